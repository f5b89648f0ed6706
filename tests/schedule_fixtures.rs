//! The city-scale bar of the exact scheduler: `fixtures/nanchang` under every rule set
//! with an `[evaluation]` table, planned then scheduled through the binary, proven
//! optimal. Too slow for the debug suite (three city plans), so `#[ignore]`d here and
//! run in release by `.ci/run`.

#![allow(clippy::unwrap_used)]

use std::process::Command;

#[test]
#[ignore = "city scale: run in release by .ci/run"]
fn nanchang_schedules_are_proven_optimal() {
    let tmp = tempfile::tempdir().unwrap();
    for rules in [
        "rules/nanchang-2021-2025.toml",
        "rules/variant-cross-district.toml",
        "rules/jiangxi-5yr-exemption.toml",
    ] {
        let plan = tmp.path().join("plan");
        let st = Command::new(env!("CARGO_BIN_EXE_rotaplan"))
            .args(["plan", "--data", "fixtures/nanchang", "--rules", rules])
            .args(["--year", "2021", "--quiet", "--out"])
            .arg(&plan)
            .status()
            .unwrap();
        assert!(st.success(), "{rules}");
        let out = tmp.path().join("schedule");
        let o = Command::new(env!("CARGO_BIN_EXE_rotaplan"))
            .args(["schedule", "--data", "fixtures/nanchang", "--rules", rules])
            .args(["--quiet", "--plan"])
            .arg(plan.join("plan.csv"))
            .arg("--out")
            .arg(&out)
            .output()
            .unwrap();
        assert!(
            o.status.success(),
            "{rules}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        let s: serde_json::Value =
            serde_json::from_slice(&std::fs::read(out.join("summary.json")).unwrap()).unwrap();
        assert_eq!(s["scheduled"], s["events"], "{rules}");
        assert_eq!(s["optimal"], true, "{rules}");
        assert_eq!(
            s["evaluator_days"], s["evaluator_days_lower_bound"],
            "{rules}"
        );
    }
}
