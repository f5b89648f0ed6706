//! The input loader through its public API, on small folders written to a temporary
//! directory and on the hand-made folders under `fixtures/loader/`.
#![allow(clippy::unwrap_used)]

use rotaplan_core::model::{
    Backbone, Form, Gender, LedgerStatus, Locality, Role, Stage, Status, Title,
};
use rotaplan_io::input::{load, load_ledger, DataSources, InputErrorKind};
use std::path::{Path, PathBuf};

/// The `fixtures/loader/gbk` folder as text; the files hold it GBK-encoded with CRLF.
const GOOD: [(&str, &str); 5] = [
    (
        "schools",
        "学校代码,学校名称,县区,乡镇,城乡类型,薄弱学校,学段,纬度,经度,编制数\n\
         U1,青山湖区实验小学,青山湖区,湖坊镇,城区,否,小学,28.68,115.95,20\n\
         T1,罗家镇中心小学,青山湖区,罗家镇,镇区,否,小学,28.72,116.01,\n\
         R1,扬子洲乡学校,青山湖区,扬子洲乡,乡村,是,九年一贯制,,,8\n",
    ),
    (
        "teachers",
        "工号,姓名,性别,出生年份,学校代码,任教学科,职称,骨干级别,岗位,到校年份,状态,自愿交流,备注\n\
         U1-01,王芳,女,1980,U1,数学,中级,县级,教师,2010,在岗,是,\n\
         U1-02,李强,男,1985,U1,语文,初级,无,教师,2012,在岗,否,班主任\n\
         T1-01,张伟,男,1975,T1,英语,副高级,市级,副校长,2008,在岗,,\n\
         R1-01,刘洋,女,1990,R1,道德与法治,无,无,教师,2015,产假,否,\n",
    ),
    (
        "needs",
        "学校代码,学科,人数,优先级\nR1,数学,1,3\nR1,英语,2,\nT1,数学,1,1\n",
    ),
    (
        "ledger",
        "工号,派出学校,接收学校,学科,形式,开始年份,结束年份,状态\n\
         U1-02,U1,R1,语文,支教,2016,2018,完成\n\
         X9-01,X9,R1,数学,交流,2015,2017,完成\n",
    ),
    (
        "evaluators",
        "评委编号,姓名,所在学校,县区,学科,每日上限,不可用日期\n\
         E01,教研员甲,,青山湖区,数学；物理,,\n\
         E02,陈老师,U1,青山湖区,语文;英语,3,2021-11-03;2021-11-04\n",
    ),
];

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/loader")
        .join(name)
}

fn dir(d: &Path) -> DataSources {
    DataSources {
        dir: Some(d.to_path_buf()),
        ..DataSources::default()
    }
}

fn check_good_folder(d: &Path) {
    let l = load(&dir(d)).unwrap_or_else(|e| panic!("{e}"));
    let data = &l.data;

    let ids: Vec<_> = data.schools.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids, ["U1", "T1", "R1"]);
    let r1 = &data.schools[2];
    assert_eq!(r1.name, "扬子洲乡学校");
    assert_eq!(r1.township.as_deref(), Some("扬子洲乡"));
    assert_eq!(
        (r1.locality, r1.weak, r1.stage),
        (Locality::Rural, true, Stage::NineYear)
    );
    assert_eq!((r1.coord, r1.staff), (None, Some(8)));
    assert_eq!(data.schools[0].coord, Some((28.68, 115.95)));
    assert_eq!(data.schools[1].staff, None);

    let t = &data.teachers;
    assert_eq!(t.len(), 4);
    assert_eq!(
        (t[0].name.as_str(), t[0].gender, t[0].birth_year),
        ("王芳", Gender::F, 1980)
    );
    assert_eq!(
        (t[0].subject.as_str(), t[0].backbone, t[0].volunteer),
        ("math", Backbone::County, true)
    );
    assert_eq!(
        (t[1].subject.as_str(), t[1].title, t[1].volunteer),
        ("chinese", Title::Junior, false)
    );
    assert_eq!(
        (t[2].role, t[2].title, t[2].volunteer),
        (Role::VicePrincipal, Title::Senior, false)
    );
    assert_eq!(
        (t[3].subject.as_str(), t[3].status),
        ("politics", Status::Maternity)
    );
    assert_eq!(t[3].joined_school_year, 2015);

    let n: Vec<_> = data
        .needs
        .iter()
        .map(|n| (n.school.as_str(), n.subject.as_str(), n.count, n.priority))
        .collect();
    assert_eq!(
        n,
        [
            ("R1", "math", 1, 3),
            ("R1", "english", 2, 1),
            ("T1", "math", 1, 1)
        ]
    );

    let lg = &data.ledger;
    assert_eq!(lg.len(), 2, "unknown teachers stay in the ledger");
    assert_eq!(
        (lg[0].form, lg[0].status, lg[0].start_year, lg[0].end_year),
        (Form::Support, LedgerStatus::Completed, 2016, 2018)
    );
    assert_eq!(lg[1].form, Form::Transfer);

    let e = &data.evaluators;
    let subjects = |i: usize| {
        e[i].subjects
            .iter()
            .map(|s| s.as_str().to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(subjects(0), ["math", "physics"]);
    assert_eq!(subjects(1), ["chinese", "english"]);
    assert_eq!((e[0].school.as_ref(), e[0].max_per_day), (None, None));
    assert_eq!(e[1].school.as_ref().map(|s| s.as_str()), Some("U1"));
    assert_eq!(e[1].max_per_day, Some(3));
    let days: Vec<_> = e[1].unavailable.iter().map(|d| d.to_string()).collect();
    assert_eq!(days, ["2021-11-03", "2021-11-04"]);

    assert_eq!(l.notices.len(), 2, "{:#?}", l.notices);
    assert!(
        l.notices[0].contains("teachers.csv: column M \"备注\""),
        "{}",
        l.notices[0]
    );
    assert!(
        l.notices[1].contains("ledger.csv: row 3: teacher X9-01 is not in teachers.csv"),
        "{}",
        l.notices[1]
    );
    assert!(l.notices[1].contains("from_school"), "{}", l.notices[1]);
}

#[test]
fn a_gbk_folder_with_chinese_headers_loads() {
    let tmp = tempfile::tempdir().unwrap();
    for (name, text) in GOOD {
        let (bytes, _, unmappable) = encoding_rs::GBK.encode(text);
        assert!(!unmappable);
        assert!(
            std::str::from_utf8(&bytes).is_err(),
            "{name} must not be valid UTF-8"
        );
        std::fs::write(tmp.path().join(format!("{name}.csv")), bytes).unwrap();
    }
    check_good_folder(tmp.path());
}

#[test]
fn the_committed_gbk_fixture_is_gbk_and_loads() {
    for (name, text) in GOOD {
        let bytes = std::fs::read(fixture("gbk").join(format!("{name}.csv"))).unwrap();
        let (decoded, had_errors) = encoding_rs::GBK.decode_without_bom_handling(&bytes);
        assert!(!had_errors && std::str::from_utf8(&bytes).is_err());
        assert_eq!(decoded.replace("\r\n", "\n"), text, "{name}");
    }
    check_good_folder(&fixture("gbk"));
}

/// (file, row, column, value, part of the message) of one expected error.
type Expected = (
    &'static str,
    Option<usize>,
    Option<&'static str>,
    Option<&'static str>,
    &'static str,
);

/// Every error `fixtures/loader/bad` must report, in order.
fn expected_bad() -> Vec<Expected> {
    vec![
        (
            "schools.csv",
            Some(3),
            Some("locality"),
            Some("city"),
            "expected one of urban (城区), town (镇区), rural (乡村)",
        ),
        (
            "schools.csv",
            Some(3),
            Some("school_id"),
            Some("U1"),
            "already used on row 2",
        ),
        (
            "schools.csv",
            Some(4),
            Some("lon"),
            None,
            "lat is given but lon is empty",
        ),
        (
            "teachers.csv",
            Some(2),
            Some("出生年份 (birth_year)"),
            Some("19x2"),
            "expected a whole year such as 1980",
        ),
        (
            "teachers.csv",
            Some(3),
            Some("学校代码 (school_id)"),
            Some("X1"),
            "not in schools.csv",
        ),
        (
            "teachers.csv",
            Some(4),
            Some("职称 (title)"),
            Some("高级"),
            "expected one of none (无)",
        ),
        (
            "teachers.csv",
            Some(4),
            Some("工号 (teacher_id)"),
            Some("T1"),
            "already used on row 2",
        ),
        (
            "needs.csv",
            Some(2),
            Some("count"),
            Some("-1"),
            "a whole number of at least 0",
        ),
        (
            "needs.csv",
            Some(3),
            Some("priority"),
            Some("0"),
            "a whole number of at least 1",
        ),
        (
            "ledger.csv",
            Some(2),
            Some("end_year"),
            Some("2019"),
            "ends (end_year 2019) before it starts (start_year 2021)",
        ),
        (
            "evaluators.csv",
            Some(1),
            None,
            None,
            "missing required column subjects (学科)",
        ),
    ]
}

#[test]
fn every_problem_in_a_bad_folder_is_reported_in_order() {
    // Copied to a temporary folder, as a user's folder would be anywhere.
    let tmp = tempfile::tempdir().unwrap();
    for name in ["schools", "teachers", "needs", "ledger", "evaluators"] {
        let file = format!("{name}.csv");
        std::fs::copy(fixture("bad").join(&file), tmp.path().join(&file)).unwrap();
    }
    let errors = load(&dir(tmp.path())).unwrap_err();
    let text = errors.to_string();
    assert_eq!(text.lines().count(), errors.0.len());
    let want = expected_bad();
    assert_eq!(errors.0.len(), want.len(), "{text}");
    for ((e, line), (file, row, column, value, says)) in errors.0.iter().zip(text.lines()).zip(want)
    {
        assert_eq!(e.file, tmp.path().join(file).display().to_string());
        assert_eq!(
            (e.row, e.column.as_deref(), e.value.as_deref()),
            (row, column, value),
            "{line}"
        );
        assert!(line.contains(says), "{line}\n  should say: {says}");
        assert!(line.starts_with(&e.file), "{line}");
    }
    assert_eq!(errors.0[1].kind, InputErrorKind::Duplicate { first_row: 2 });
    assert_eq!(
        text.lines().nth(3).unwrap(),
        format!(
            "{}: row 2, column 出生年份 (birth_year), value \"19x2\": expected a whole year such as 1980",
            tmp.path().join("teachers.csv").display()
        )
    );
}

#[test]
fn explicit_files_and_a_lone_ledger() {
    let mut s = DataSources {
        dir: Some(fixture("gbk")),
        ..DataSources::default()
    };
    s.ledger = Some(fixture("bad").join("ledger.csv"));
    let e = load(&s).unwrap_err();
    assert_eq!(e.0.len(), 1);
    assert!(e.0[0].file.ends_with("bad/ledger.csv"));

    let e = load_ledger(&fixture("bad").join("ledger.csv")).unwrap_err();
    assert_eq!(e.0[0].row, Some(2));
    let (entries, notices) = load_ledger(&fixture("gbk").join("ledger.csv")).unwrap();
    assert_eq!(entries.len(), 2);
    assert!(notices.is_empty(), "no referential checks on a lone ledger");
}
