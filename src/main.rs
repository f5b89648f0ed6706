//! The `rotaplan` binary: the command line (rotaplan-cli) with the web workspace's
//! commands (rotaplan-server).

fn main() {
    // A bug must still end with a message and exit code 1, never a panic trace.
    std::panic::set_hook(Box::new(|info| {
        let msg = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown".into());
        let at = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        eprintln!(
            "rotaplan: internal error{at}: {msg}. Please report it with the command you ran."
        );
        std::process::exit(1);
    }));
    std::process::exit(rotaplan_cli::run(
        std::env::args_os(),
        &rotaplan_server::command::COMMANDS,
    ));
}
