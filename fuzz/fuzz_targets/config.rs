//! Any text as a settings file: parsing must never panic, and what parses must validate.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(cfg) = landaudit::Config::from_toml_str(text) {
        cfg.validate().expect("a parsed config validates");
    }
});
