//! The README's settings example is a real, complete configuration.

#[test]
fn readme_config_example_parses() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let start = readme.find("```toml\n").expect("a toml block") + "```toml\n".len();
    let end = start + readme[start..].find("```").unwrap();
    let cfg = landaudit::Config::from_toml_str(&readme[start..end]).unwrap();
    assert_eq!(cfg.fields.supplies.source_for("dzjgh"), "gdbh");
    assert_eq!(cfg.regions.windows.len(), 2);
    assert_eq!(cfg.idle.fee_rate, 0.20);
}
