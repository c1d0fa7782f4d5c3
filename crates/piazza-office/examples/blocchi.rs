//! Prints the blocks a document is read into: `cargo run -p piazza-office --example blocchi -- FILE`
//! (to see what the plan importer sees).

fn main() {
    let f = std::env::args().nth(1).unwrap();
    let b = std::fs::read(&f).unwrap();
    let d =
        piazza_office::leggi_documento(&b, Some(&f), &piazza_office::Limiti::default()).unwrap();
    println!("titolo {:?}", d.titolo);
    for x in &d.blocchi {
        match x {
            piazza_office::Blocco::Titolo { livello, testo } => println!("H{livello} {testo}"),
            piazza_office::Blocco::Voce { livello, testo, .. } => println!(
                "  {}- {}",
                " ".repeat(*livello as usize),
                testo.chars().take(70).collect::<String>()
            ),
            piazza_office::Blocco::Paragrafo(p) => {
                println!("P {}", p.chars().take(70).collect::<String>())
            }
            piazza_office::Blocco::Tabella(t) => println!("T {}x", t.len()),
        }
    }
}
