//! Any input: reading never panics; what is read validates without panicking, writes back, and
//! reads back to the same alert.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(p) = piazza_cap::parse(s) {
        let _ = piazza_cap::validate(&p.alert);
        let xml = piazza_cap::to_xml(&p.alert);
        let back = piazza_cap::parse(&xml).expect("a written document reads back");
        assert_eq!(back.alert, p.alert, "{xml}");
    }
});
