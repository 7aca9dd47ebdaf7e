//! Decimal numbers written without the formatting machinery, for the table columns and the
//! map coordinates: millions of them per run, where `format!`'s exact decimal expansion costs
//! about a thousand instructions a number.

/// Appends `k` × 10^-`decimals` with exactly `decimals` decimals (`-` first when `negative`);
/// `decimals` is at most 19 (a u64's digits less one).
pub(crate) fn push_scaled(out: &mut String, negative: bool, k: u64, decimals: usize) {
    debug_assert!(decimals <= 19, "{decimals} decimals");
    // Right to left into a buffer: at most 20 digits, a point and a sign.
    let mut buf = [0u8; 24];
    let mut i = buf.len();
    let mut put = |b: u8| {
        i -= 1;
        buf[i] = b;
    };
    let mut rest = k;
    for _ in 0..decimals.min(19) {
        put(b'0' + (rest % 10) as u8);
        rest /= 10;
    }
    if decimals > 0 {
        put(b'.');
    }
    loop {
        put(b'0' + (rest % 10) as u8);
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    if negative {
        put(b'-');
    }
    out.extend(buf[i..].iter().map(|&b| char::from(b)));
}

/// `format!("{x:.decimals$}")` for the table columns, without the formatting machinery's exact
/// decimal expansion (a thousand instructions a number, 3.5 % of a compare-settings audit at
/// scale 1) where it is not needed.
///
/// `x·10^decimals` is computed as an f64 `p` and rounded to the nearest integer `k`, which is
/// the exact product's nearest integer, as the general way finds it: below 10^15 every
/// half-integer `k ± ½` is an f64, and rounding is monotonic, so `p` lies strictly between the
/// same two half-integers as the exact product unless it lands on one of them; that case (and
/// numbers beyond 10^15) goes the general way. The sign is written as the general way writes
/// it: for every negative number, also when it rounds to zero (`-0.000`).
pub(crate) fn fixed(x: f64, decimals: usize) -> String {
    let mut s = String::with_capacity(24);
    push_fixed(&mut s, x, decimals);
    s
}

/// [`fixed`], appended to `out`.
pub(crate) fn push_fixed(out: &mut String, x: f64, decimals: usize) {
    const POW: [f64; 7] = [1.0, 10.0, 100.0, 1e3, 1e4, 1e5, 1e6];
    if let Some(&scale) = POW.get(decimals) {
        let p = x.abs() * scale;
        if p < 1e15 {
            let below = p.floor();
            let frac = p - below;
            if frac != 0.5 {
                let k = (below as u64) + u64::from(frac > 0.5);
                push_scaled(out, x.is_sign_negative(), k, decimals);
                return;
            }
        }
    }
    use std::fmt::Write;
    let _ = write!(out, "{x:.decimals$}");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::r3;

    #[test]
    fn scaled_integers_by_hand() {
        for (negative, k, d, want) in [
            (false, 0, 0, "0"),
            (false, 0, 3, "0.000"),
            (true, 0, 3, "-0.000"),
            (false, 12_345, 3, "12.345"),
            (true, 5, 3, "-0.005"),
            (false, 1_000, 3, "1.000"),
            (false, u64::MAX, 0, "18446744073709551615"),
            (false, 7, 1, "0.7"),
        ] {
            let mut s = String::new();
            push_scaled(&mut s, negative, k, d);
            assert_eq!(s, want);
        }
    }

    proptest::proptest! {
        /// `fixed` writes what `format!` writes: over areas and shares of every size, values
        /// at and next to the half-way points, negatives and the rounded columns' own values.
        #[test]
        fn fixed_writes_what_format_writes(
            k in -10_000_000_000i64..10_000_000_000,
            decimals in 0usize..8,
            nudge in -3i64..=3,
            raw: f64,
        ) {
            let half = (k as f64 + 0.5) / 10f64.powi(decimals as i32);
            let next = f64::from_bits((half.to_bits() as i64 + nudge) as u64);
            for x in [
                half,
                next,
                k as f64 / 1000.0,
                r3(k as f64 / 997.0),
                raw,
                -0.0,
                1e-300 * nudge as f64,
            ] {
                proptest::prop_assert_eq!(fixed(x, decimals), format!("{x:.decimals$}"), "{:e}", x);
            }
        }
    }
}
