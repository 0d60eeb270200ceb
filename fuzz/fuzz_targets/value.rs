//! 指标值 and fund amounts: never a panic, and the hand-written fast paths read every text
//! exactly as the grammar does (differential).
#![no_main]

use jixiao::read::value_text::{parse_amount, parse_amount_with_grammar, parse_value, parse_value_with_grammar};
use libfuzzer_sys::fuzz_target;
use rust_decimal::Decimal;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let year = Some(2025);
    assert_eq!(parse_value(text, year), parse_value_with_grammar(text, year), "{text:?}");
    for scale in [Decimal::ONE, Decimal::from(10_000)] {
        assert_eq!(
            parse_amount(text, scale),
            parse_amount_with_grammar(text, scale),
            "{text:?}"
        );
    }
});
