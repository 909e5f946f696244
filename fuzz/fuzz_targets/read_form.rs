//! `read_form` over arbitrary bytes, as a .docx and as text: it must never panic, whatever
//! the file. The seed corpus (`scripts/fuzz` writes it) holds a valid export and the
//! fixture.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tertial_documents::form_import::{ExpectedQuestion, read_form};

const QUESTIONS: [ExpectedQuestion<'static>; 3] = [
    ExpectedQuestion {
        key: "samverkan-lokalt-naringsliv",
        text: "Beskriv samverkan med det lokala näringslivet inom stadsdelsnämndens geografiska område.",
    },
    ExpectedQuestion {
        key: "vaxla-upp-stockholm",
        text: "Beskriv nämndens arbete med ”Växla upp Stockholm”",
    },
    ExpectedQuestion {
        key: "renodlade-verksamhetsomraden",
        text: "Beskriv nämndens arbete med att utveckla stadens renodlade verksamhetsområden med hänsyn till näringslivet, beskriv också eventuell samverkan med andra nämnder och bolag i det arbetet.",
    },
];

fuzz_target!(|bytes: &[u8]| {
    for name in ["svar.docx", "svar.txt"] {
        if let Err(e) = read_form(bytes, name, &QUESTIONS) {
            assert!(!e.message().is_empty());
        }
    }
});
