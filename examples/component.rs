//! Solves components dumped by `ROTAPLAN_DUMP_DIR` (see `rotaplan_core::plan::instance`):
//! `cargo run --release --example component -- [--time-limit S] [--probe] FILE…`
//! (`--probe`: as a probe horizon of the target search solves it).

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let mut limit = 15.0;
    if args.first().map(String::as_str) == Some("--time-limit") && args.len() > 1 {
        limit = args[1].parse().unwrap_or(limit);
        args.drain(..2);
    }
    let probe = args.first().map(String::as_str) == Some("--probe");
    if probe {
        args.remove(0);
    }
    for f in &args {
        let text = match std::fs::read_to_string(f) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("{f}: {e}");
                std::process::exit(2);
            }
        };
        let comp = match rotaplan_core::plan::instance::read(&text) {
            Ok(c) => c,
            Err(e) => {
                eprintln!("{f}: {e}\n  help: {}", e.help());
                std::process::exit(2);
            }
        };
        let t = std::time::Instant::now();
        match rotaplan_core::plan::instance::solve(&comp, limit, probe) {
            Ok(s) => println!(
                "{f}: {} senders, {} supplies, {} arcs: optimal {} shortfall {} priority {} nodes {} in {:.3} s",
                comp.senders.len(),
                comp.supplies.len(),
                comp.arcs.len(),
                s.optimal,
                s.shortfall,
                s.priority,
                s.nodes,
                t.elapsed().as_secs_f64()
            ),
            Err(e) => println!("{f}: error {e}"),
        }
    }
}
