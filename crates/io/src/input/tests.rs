//! The loader as a whole, on small folders written to a temporary directory.
#![allow(clippy::unwrap_used)]

use super::*;
use crate::model::{Form, Gender, Locality, Stage, Subject};
use proptest::prelude::*;
use std::fs;

const SCHOOLS_EN: &str = "school_id,name,district,township,locality,weak,stage,lat,lon,staff\n\
    U1,First,East,,urban,false,primary,28.68,115.95,20\n\
    R1,Second,East,,rural,true,primary,,,\n";
const TEACHERS_EN: &str = "teacher_id,name,gender,birth_year,school_id,subject,title,backbone,role,joined_school_year,status,volunteer\n\
    T1,Wang,F,1980,U1,math,intermediate,county,teacher,2010,active,\n\
    T2,Li,M,1985.0,U1,Chinese,none,none,teacher,2012,active,yes\n";
const NEEDS_EN: &str = "school_id,subject,count,priority\nR1,math,1,2\nR1,math,2,\n";
const LEDGER_EN: &str =
    "teacher_id,from_school,to_school,subject,form,start_year,end_year,status\n\
    T1,U1,R1,math,transfer,2016,2018,completed\n";
const EVALUATORS_EN: &str =
    "evaluator_id,name,school_id,district,subjects,max_per_day,unavailable\n\
    E1,Zhao,,East,math;physics,,2021-11-03\n";

struct Folder {
    dir: tempfile::TempDir,
}

impl Folder {
    fn new(files: &[(&str, &[u8])]) -> Folder {
        let dir = tempfile::tempdir().unwrap();
        for (name, bytes) in files {
            fs::write(dir.path().join(name), bytes).unwrap();
        }
        Folder { dir }
    }

    fn good_with(replace: &[(&str, &[u8])]) -> Folder {
        let mut files: Vec<(&str, &[u8])> = vec![
            ("schools.csv", SCHOOLS_EN.as_bytes()),
            ("teachers.csv", TEACHERS_EN.as_bytes()),
            ("needs.csv", NEEDS_EN.as_bytes()),
            ("ledger.csv", LEDGER_EN.as_bytes()),
            ("evaluators.csv", EVALUATORS_EN.as_bytes()),
        ];
        for (name, bytes) in replace {
            files.retain(|(n, _)| n != name);
            if !bytes.is_empty() || !name.ends_with(".csv") {
                files.push((name, bytes));
            }
        }
        Folder::new(&files)
    }

    fn sources(&self) -> DataSources {
        DataSources {
            dir: Some(self.dir.path().to_path_buf()),
            ..DataSources::default()
        }
    }

    fn load(&self) -> Result<Loaded, InputErrors> {
        load(&self.sources())
    }

    fn errors(&self) -> Vec<InputError> {
        match self.load() {
            Ok(_) => panic!("expected errors"),
            Err(e) => e.0,
        }
    }

    fn path(&self, name: &str) -> String {
        self.dir.path().join(name).display().to_string()
    }
}

fn kinds(errors: &[InputError]) -> Vec<InputErrorKind> {
    errors.iter().map(|e| e.kind.clone()).collect()
}

#[test]
fn english_folder_loads_in_file_order() {
    let f = Folder::good_with(&[]);
    let l = f.load().unwrap();
    let d = &l.data;
    assert_eq!(d.schools.len(), 2);
    assert_eq!(d.schools[0].coord, Some((28.68, 115.95)));
    assert_eq!(d.schools[0].staff, Some(20));
    assert_eq!(d.schools[1].locality, Locality::Rural);
    assert!(d.schools[1].weak && d.schools[1].coord.is_none() && d.schools[1].staff.is_none());
    assert_eq!(d.teachers[1].birth_year, 1985);
    assert_eq!(d.teachers[1].subject, Subject::from("chinese"));
    assert!(!d.teachers[0].volunteer && d.teachers[1].volunteer);
    assert_eq!(
        d.needs.len(),
        2,
        "rows of the same school and subject stay apart"
    );
    assert_eq!((d.needs[0].priority, d.needs[1].priority), (2, 1));
    assert_eq!(d.ledger[0].form, Form::Transfer);
    assert_eq!(d.evaluators[0].school, None);
    assert_eq!(d.evaluators[0].max_per_day, None);
    assert_eq!(d.evaluators[0].unavailable.len(), 1);
    assert!(l.notices.is_empty(), "{:?}", l.notices);
}

#[test]
fn the_tiny_fixture_loads() {
    let dir =
        std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../..")).join("fixtures/tiny");
    let l = load(&DataSources {
        dir: Some(dir),
        ..DataSources::default()
    })
    .unwrap();
    assert_eq!(l.data.schools.len(), 7);
    assert_eq!(l.data.teachers.len(), 29);
    assert!(
        l.notices.iter().any(|n| n.contains("备注")),
        "{:?}",
        l.notices
    );
}

#[test]
fn optional_files_may_be_absent() {
    let f = Folder::good_with(&[("ledger.csv", b""), ("evaluators.csv", b"")]);
    let l = f.load().unwrap();
    assert!(l.data.ledger.is_empty() && l.data.evaluators.is_empty());
}

#[test]
fn missing_required_files_are_all_reported() {
    let f = Folder::new(&[("evaluators.csv", EVALUATORS_EN.as_bytes())]);
    let e = f.errors();
    assert_eq!(e.len(), 3);
    for (err, name) in e.iter().zip(["schools", "teachers", "needs"]) {
        assert!(matches!(err.kind, InputErrorKind::MissingFile { .. }));
        assert_eq!(err.file, f.path(&format!("{name}.csv")));
        assert!(err.to_string().contains(&format!("{name}.xlsx")), "{err}");
    }
    let none = load(&DataSources::default()).unwrap_err();
    assert_eq!(none.0.len(), 3);
    assert!(none.0[0].to_string().contains("--schools"), "{}", none.0[0]);
}

#[test]
fn an_explicit_file_wins_and_must_exist() {
    let f = Folder::good_with(&[]);
    let other = Folder::new(&[(
        "my_needs.csv",
        b"school_id,subject,count\nU1,art,4\n" as &[u8],
    )]);
    let mut s = f.sources();
    s.needs = Some(other.dir.path().join("my_needs.csv"));
    let l = load(&s).unwrap();
    assert_eq!(l.data.needs.len(), 1);
    assert_eq!(l.data.needs[0].count, 4);

    s.ledger = Some(other.dir.path().join("nope.csv"));
    let e = load(&s).unwrap_err().0;
    assert_eq!(e.len(), 1);
    assert_eq!(e[0].file, other.path("nope.csv"));
    assert!(matches!(e[0].kind, InputErrorKind::MissingFile { .. }));
}

#[test]
fn birth_month_retirement_age_and_needs_year() {
    let teachers = "teacher_id,name,gender,birth_year,school_id,subject,title,backbone,role,joined_school_year,status,出生月份,退休年龄\n\
        T1,Wang,F,1980,U1,math,intermediate,county,teacher,2010,active,7,60\n\
        T2,Li,M,1985,U1,math,none,none,teacher,2012,active,,\n";
    let needs = "school_id,subject,count,年度\nR1,math,1,2027\nR1,副校长,1,\n";
    let f = Folder::good_with(&[
        ("teachers.csv", teachers.as_bytes()),
        ("needs.csv", needs.as_bytes()),
    ]);
    let d = f.load().unwrap().data;
    assert_eq!(
        (d.teachers[0].birth_month, d.teachers[0].retirement_age),
        (7, Some(60))
    );
    assert_eq!(
        (d.teachers[1].birth_month, d.teachers[1].retirement_age),
        (1, None)
    );
    assert_eq!(d.needs[0].year, Some(2027));
    assert!(d.needs[0].applies(2027) && !d.needs[0].applies(2026));
    assert_eq!(
        (d.needs[1].year, d.needs[1].subject.as_str()),
        (None, "vice_principal")
    );
    assert!(d.needs[1].applies(2030));

    let bad_teachers = "teacher_id,name,gender,birth_year,school_id,subject,title,backbone,role,joined_school_year,status,birth_month,retirement_age\n\
        T1,Wang,F,1980,U1,math,intermediate,county,teacher,2010,active,13,60\n\
        T2,Li,M,1985,U1,math,none,none,teacher,2012,active,2,120\n";
    let bad_needs = "school_id,subject,count,year\nR1,math,1,20x7\n";
    let f = Folder::good_with(&[
        ("teachers.csv", bad_teachers.as_bytes()),
        ("needs.csv", bad_needs.as_bytes()),
    ]);
    let e: Vec<String> = f.errors().iter().map(ToString::to_string).collect();
    assert_eq!(e.len(), 3, "{e:?}");
    assert!(
        e[0].contains("row 2, column birth_month, value \"13\": expected a month from 1 to 12"),
        "{e:?}"
    );
    assert!(
        e[1].contains("row 3, column retirement_age, value \"120\""),
        "{e:?}"
    );
    assert!(
        e.iter().any(|x| x.contains("column year, value \"20x7\"")),
        "{e:?}"
    );
}

#[test]
fn each_format_problem_has_its_kind_and_place() {
    let schools = "school_id,name,district,locality,weak,stage,lat,lon,staff\n\
        U1,First,East,urban,false,primary,28.6,115.9,20\n\
        R1,Second,East,rural,maybe,primary,,,\n\
        T1,Third,East,town,0,junior,28.6,,-2\n\
        U1,Dup,East,urban,no,primary,,,\n\
        R2,Fourth,East,Rual,0,nine_year,91,0,\n";
    let f = Folder::good_with(&[("schools.csv", schools.as_bytes())]);
    let e = f.errors();
    let file = f.path("schools.csv");
    let got: Vec<_> = e
        .iter()
        .map(|x| {
            assert_eq!(x.file, file);
            (x.row, x.column.clone(), x.value.clone())
        })
        .collect();
    let s = |v: &str| Some(v.to_string());
    assert_eq!(
        got,
        vec![
            (Some(3), s("weak"), s("maybe")),
            (Some(4), s("lon"), None),
            (Some(4), s("staff"), s("-2")),
            (Some(5), s("school_id"), s("U1")),
            (Some(6), s("locality"), s("Rual")),
            (Some(6), s("lat"), s("91")),
        ]
    );
    assert!(matches!(e[1].kind, InputErrorKind::Inconsistent { .. }));
    assert_eq!(e[3].kind, InputErrorKind::Duplicate { first_row: 2 });
    assert!(e[4].to_string().contains("did you mean rural?"), "{}", e[4]);
}

#[test]
fn empty_files_and_missing_columns() {
    let f = Folder::good_with(&[
        ("needs.csv", b"\n\n" as &[u8]),
        ("ledger.csv", b"teacher_id,from_school\nT1,U1\n"),
    ]);
    let e = f.errors();
    assert!(matches!(e[0].kind, InputErrorKind::NoHeader { .. }));
    assert_eq!(e[0].file, f.path("needs.csv"));
    assert!(e[0].to_string().contains("count (人数)"), "{}", e[0]);
    let missing: Vec<_> = e[1..]
        .iter()
        .map(|x| match &x.kind {
            InputErrorKind::MissingColumn { english, .. } => english.as_str(),
            k => panic!("{k:?}"),
        })
        .collect();
    assert_eq!(
        missing,
        [
            "to_school",
            "subject",
            "form",
            "start_year",
            "end_year",
            "status"
        ]
    );
    assert_eq!(e[1].row, Some(1));
    assert_eq!(
        e[1].to_string(),
        format!(
            "{}: row 1: missing required column to_school (接收学校); the header row has: \
             A \"teacher_id\", B \"from_school\"",
            f.path("ledger.csv")
        )
    );
}

#[test]
fn title_rows_above_the_header_are_skipped() {
    let needs = "2021年需求表,,\n\nschool_id,subject,count\nR1,math,x\n";
    let f = Folder::good_with(&[("needs.csv", needs.as_bytes())]);
    let e = f.errors();
    assert_eq!(e.len(), 1);
    assert_eq!((e[0].row, e[0].column.as_deref()), (Some(4), Some("count")));
    let fixed = needs.replace(",x", ",2");
    let f = Folder::good_with(&[("needs.csv", fixed.as_bytes())]);
    let l = f.load().unwrap();
    assert_eq!(l.data.needs.len(), 1);
    assert_eq!(l.notices.len(), 1);
    assert!(l.notices[0].contains("row 1 (\"2021年需求表\") is above the header row 3"));

    // Nothing like a header anywhere: the first row's problems are reported.
    let f = Folder::good_with(&[("needs.csv", b"a,b\nc,d\n" as &[u8])]);
    let e = f.errors();
    assert_eq!(e.len(), 3);
    assert!(e
        .iter()
        .all(|x| x.row == Some(1) && matches!(x.kind, InputErrorKind::MissingColumn { .. })));
}

#[test]
fn duplicate_columns_and_empty_required_cells() {
    let needs = "school_id,学校代码,subject,count\nR1,R1,,3\n";
    let f = Folder::good_with(&[("needs.csv", needs.as_bytes())]);
    let e = f.errors();
    assert_eq!(
        kinds(&e),
        vec![
            InputErrorKind::DuplicateColumn {
                first: "school_id in column A".into()
            },
            InputErrorKind::Empty,
        ]
    );
    assert_eq!(e[1].row, Some(2));
    assert_eq!(e[1].column.as_deref(), Some("subject"));
}

#[test]
fn references_and_consistency_across_files() {
    let teachers = "teacher_id,name,gender,birth_year,school_id,subject,title,backbone,role,joined_school_year,status\n\
        T1,Wang,F,19x2,U1,math,none,none,teacher,2010,active\n\
        T2,Li,M,1980,X9,math,none,none,teacher,2010,active\n\
        T1,Zhao,M,1990,U1,math,none,none,teacher,1985,active\n\
        T4,Sun,M,1990,U1,math,none,none,teacher,2000,active\n";
    let needs = "school_id,subject,count\nR1,math,1\nX8,math,1\n";
    let ledger = "teacher_id,from_school,to_school,subject,form,start_year,end_year,status\n\
        T1,U1,R1,math,transfer,2020,2019,active\n\
        T9,Z1,R1,math,support,2010,2012,completed\n";
    let evaluators = "evaluator_id,name,school_id,district,subjects\n\
        E1,A,,East,math\nE1,B,X7,East,math\n";
    let f = Folder::good_with(&[
        ("teachers.csv", teachers.as_bytes()),
        ("needs.csv", needs.as_bytes()),
        ("ledger.csv", ledger.as_bytes()),
        ("evaluators.csv", evaluators.as_bytes()),
    ]);
    let e = f.errors();
    let got: Vec<_> = e
        .iter()
        .map(|x| {
            let file = x.file.rsplit('/').next().unwrap().to_string();
            (file, x.row.unwrap(), x.column.clone().unwrap_or_default())
        })
        .collect();
    let want: Vec<(String, usize, String)> = [
        ("teachers.csv", 2, "birth_year"),
        ("teachers.csv", 3, "school_id"),
        ("teachers.csv", 4, "joined_school_year"),
        ("teachers.csv", 4, "teacher_id"),
        ("teachers.csv", 5, "joined_school_year"),
        ("needs.csv", 3, "school_id"),
        ("ledger.csv", 2, "end_year"),
        ("evaluators.csv", 3, "school_id"),
        ("evaluators.csv", 3, "evaluator_id"),
    ]
    .iter()
    .map(|(f, r, c)| (f.to_string(), *r, c.to_string()))
    .collect();
    assert_eq!(got, want);
    assert_eq!(e[3].kind, InputErrorKind::Duplicate { first_row: 2 });
    assert!(
        e[2].to_string().contains("is before birth_year 1990"),
        "{}",
        e[2]
    );
    assert!(e[4].to_string().contains("would have been 10"), "{}", e[4]);
    assert!(matches!(e[1].kind, InputErrorKind::UnknownReference { .. }));
    assert!(e[6]
        .to_string()
        .contains("ends (end_year 2019) before it starts"));
}

#[test]
fn unknown_people_in_the_ledger_are_notices() {
    let ledger = "teacher_id,from_school,to_school,subject,form,start_year,end_year,status\n\
        T9,Z1,R1,math,support,2010,2012,completed\n";
    let f = Folder::good_with(&[("ledger.csv", ledger.as_bytes())]);
    let l = f.load().unwrap();
    assert_eq!(l.data.ledger.len(), 1);
    assert_eq!(l.notices.len(), 1);
    assert!(l.notices[0].contains("row 2: teacher T9 is not in teachers.csv, from_school Z1"));
}

#[test]
fn no_cascade_from_an_unusable_schools_file() {
    let schools = "name,district\nA,East\n";
    let f = Folder::good_with(&[("schools.csv", schools.as_bytes())]);
    let e = f.errors();
    assert!(e.iter().all(|x| x.file == f.path("schools.csv")), "{e:?}");
    assert!(e
        .iter()
        .all(|x| matches!(x.kind, InputErrorKind::MissingColumn { .. })));
}

#[test]
fn references_to_rejected_rows_are_not_errors() {
    // R1 is itself invalid (bad stage) but exists: needs naming it are not also wrong.
    let schools = "school_id,name,district,locality,weak,stage\n\
        U1,First,East,urban,false,primary\nR1,Second,East,rural,true,kindergarten\n";
    let f = Folder::good_with(&[("schools.csv", schools.as_bytes())]);
    let e = f.errors();
    assert_eq!(e.len(), 1, "{e:?}");
    assert_eq!(e[0].column.as_deref(), Some("stage"));
}

#[test]
fn chinese_headers_in_gbk_and_utf16() {
    let schools = "学校代码,学校名称,县区,城乡类型,薄弱学校,学段\nU1,一小,东区,城区,否,小学\nR1,二小,东区,乡村,是,九年一贯制\n";
    let teachers =
        "工号,姓名,性别,出生年份,学校代码,任教学科,职称,骨干级别,岗位,到校年份,状态,自愿交流\n\
        T1,王芳,女,1980,U1,数学,中级,县级,教师,2010,在岗,是\n";
    let evaluators = "评委编号,姓名,所在学校,县区,学科,每日上限,不可用日期\nE1,赵老师,U1,东区,数学；物理,2,2021/11/3\n";
    let gbk = |s: &str| encoding_rs::GBK.encode(s).0.into_owned();
    let utf16 = |s: &str| {
        let mut b = vec![0xFF, 0xFE];
        b.extend(s.encode_utf16().flat_map(u16::to_le_bytes));
        b
    };
    let f = Folder::good_with(&[
        ("schools.csv", &gbk(schools)),
        ("teachers.csv", &utf16(teachers)),
        ("evaluators.csv", &gbk(evaluators)),
    ]);
    let l = f.load().unwrap();
    assert_eq!(l.data.schools[0].name, "一小");
    assert_eq!(l.data.schools[1].stage, Stage::NineYear);
    let t = &l.data.teachers[0];
    assert_eq!(
        (t.name.as_str(), t.gender, t.volunteer),
        ("王芳", Gender::F, true)
    );
    assert_eq!(t.subject, Subject::from("math"));
    let ev = &l.data.evaluators[0];
    assert_eq!(
        ev.subjects,
        vec![Subject::from("math"), Subject::from("physics")]
    );
    assert_eq!(ev.max_per_day, Some(2));
    assert_eq!(ev.unavailable[0].to_string(), "2021-11-03");
}

#[test]
fn chinese_header_errors_name_the_english_column_too() {
    let teachers = "工号,姓名,性别,出生年份,学校代码,任教学科,职称,骨干级别,岗位,到校年份,状态\n\
        T1,王芳,女,1980年,U1,数学,中级,县级,教师,2010,在岗\n";
    let f = Folder::good_with(&[("teachers.csv", teachers.as_bytes())]);
    let e = f.errors();
    assert_eq!(
        e[0].to_string(),
        format!(
            "{}: row 2, column 出生年份 (birth_year), value \"1980年\": expected a whole year such as 1980",
            f.path("teachers.csv")
        )
    );
}

#[test]
fn xlsx_files_read_like_csv() {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let f = Folder::good_with(&[("schools.csv", b""), ("evaluators.csv", b"")]);

    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    let header = [
        "学校代码",
        "name",
        "district",
        "locality",
        "weak",
        "stage",
        "lat",
        "lon",
        "staff",
    ];
    for (c, h) in header.iter().enumerate() {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    // Row 2 left blank on purpose: data starts at spreadsheet row 3.
    let rows: [(&str, &str, bool, f64, f64, f64); 2] = [
        ("U1", "urban", false, 28.68, 115.95, 20.0),
        ("R1", "rural", true, 28.5, 115.5, 7.0),
    ];
    for (i, (id, loc, weak, lat, lon, staff)) in rows.iter().enumerate() {
        let r = i as u32 + 2;
        sheet.write_string(r, 0, *id).unwrap();
        sheet.write_string(r, 1, "School").unwrap();
        sheet.write_string(r, 2, "East").unwrap();
        sheet.write_string(r, 3, *loc).unwrap();
        sheet.write_boolean(r, 4, *weak).unwrap();
        sheet.write_string(r, 5, "primary").unwrap();
        sheet.write_number(r, 6, *lat).unwrap();
        sheet.write_number(r, 7, *lon).unwrap();
        sheet.write_number(r, 8, *staff).unwrap();
    }
    sheet.write_number(4, 0, 3.0).unwrap();
    for c in 1..6 {
        sheet.write_string(4, c, "x").unwrap();
    }
    book.save(f.dir.path().join("schools.xlsx")).unwrap();

    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    for (c, h) in [
        "evaluator_id",
        "name",
        "district",
        "subjects",
        "max_per_day",
        "unavailable",
    ]
    .iter()
    .enumerate()
    {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    sheet.write_string(1, 0, "E1").unwrap();
    sheet.write_string(1, 1, "Zhao").unwrap();
    sheet.write_string(1, 2, "East").unwrap();
    sheet.write_string(1, 3, "math").unwrap();
    sheet.write_number(1, 4, 3.0).unwrap();
    let date = ExcelDateTime::from_ymd(2021, 11, 3).unwrap();
    let fmt = Format::new().set_num_format("yyyy-mm-dd");
    sheet.write_datetime_with_format(1, 5, &date, &fmt).unwrap();
    book.save(f.dir.path().join("evaluators.xlsx")).unwrap();

    // The third school row is bad in every cell: errors point at spreadsheet row 5.
    let e = f.errors();
    assert!(e.iter().all(|x| x.row == Some(5)), "{e:?}");
    assert_eq!(
        e[0].file,
        format!("{} [sheet Sheet1]", f.path("schools.xlsx"))
    );
    assert_eq!(e[0].column.as_deref(), Some("locality"));

    // Without it the folder loads, numbers read as integers and booleans as booleans.
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    for (c, h) in header.iter().enumerate() {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    for (i, (id, loc, weak, lat, lon, staff)) in rows.iter().enumerate() {
        let r = i as u32 + 1;
        sheet.write_string(r, 0, *id).unwrap();
        sheet.write_string(r, 1, "School").unwrap();
        sheet.write_string(r, 2, "East").unwrap();
        sheet.write_string(r, 3, *loc).unwrap();
        sheet.write_boolean(r, 4, *weak).unwrap();
        sheet.write_string(r, 5, "小学").unwrap();
        sheet.write_number(r, 6, *lat).unwrap();
        sheet.write_number(r, 7, *lon).unwrap();
        sheet.write_number(r, 8, *staff).unwrap();
    }
    book.save(f.dir.path().join("schools.xlsx")).unwrap();
    let l = f.load().unwrap();
    let s = &l.data.schools;
    assert_eq!(s.len(), 2);
    assert_eq!(
        (s[0].staff, s[0].weak, s[0].coord),
        (Some(20), false, Some((28.68, 115.95)))
    );
    assert!(s[1].weak);
    let ev = &l.data.evaluators[0];
    assert_eq!(ev.max_per_day, Some(3));
    assert_eq!(ev.unavailable[0].to_string(), "2021-11-03");
}

#[test]
fn csv_is_preferred_over_xlsx_with_a_notice_and_damaged_workbooks_are_unreadable() {
    let mut bad = b"PK\x03\x04".to_vec();
    bad.extend_from_slice(&[7u8; 64]);
    let f = Folder::good_with(&[("needs.xlsx", &bad)]);
    let l = f.load().unwrap();
    assert!(
        l.notices.iter().any(|n| n.contains("using")),
        "{:?}",
        l.notices
    );

    let f = Folder::good_with(&[("needs.csv", b""), ("needs.xlsx", &bad)]);
    let e = f.errors();
    assert_eq!(e.len(), 1);
    assert_eq!(e[0].file, f.path("needs.xlsx"));
    assert!(
        matches!(e[0].kind, InputErrorKind::Unreadable { .. }),
        "{e:?}"
    );
}

#[test]
fn a_ledger_on_its_own() {
    let f = Folder::new(&[(
        "ledger.csv",
        b"teacher_id,from_school,to_school,subject,form,start_year,end_year,status\n\
          T9,Z1,Z2,math,support,2010,2012,completed\n\
          T8,Z1,Z2,math,support,2010,20x2,completed\n" as &[u8],
    )]);
    let path = f.dir.path().join("ledger.csv");
    let e = load_ledger(&path).unwrap_err();
    assert_eq!(e.0.len(), 1);
    assert_eq!(e.0[0].row, Some(3));
    let good = Folder::new(&[("ledger.csv", LEDGER_EN.as_bytes())]);
    let (entries, notices) = load_ledger(&good.dir.path().join("ledger.csv")).unwrap();
    assert_eq!(entries.len(), 1);
    assert!(notices.is_empty());
    let missing = load_ledger(&good.dir.path().join("none.csv")).unwrap_err();
    assert!(matches!(
        missing.0[0].kind,
        InputErrorKind::MissingFile { .. }
    ));
}

#[test]
#[ignore = "timing; run with --release -- --ignored"]
fn forty_eight_thousand_teachers_load_fast() {
    let mut schools = String::from("school_id,name,district,locality,weak,stage,staff\n");
    for s in 0..1000 {
        schools.push_str(&format!(
            "S{s},School {s},D{},urban,false,primary,60\n",
            s % 10
        ));
    }
    let mut teachers = String::from(
        "teacher_id,name,gender,birth_year,school_id,subject,title,backbone,role,joined_school_year,status,volunteer\n",
    );
    for t in 0..48_000 {
        teachers.push_str(&format!(
            "T{t:06},王芳{t},女,{},S{},数学,中级,县级,教师,2010,在岗,否\n",
            1965 + t % 30,
            t % 1000
        ));
    }
    let f = Folder::good_with(&[
        ("schools.csv", schools.as_bytes()),
        ("teachers.csv", teachers.as_bytes()),
        ("needs.csv", b"school_id,subject,count\nS1,math,3\n"),
        ("ledger.csv", b""),
    ]);
    let start = std::time::Instant::now();
    let l = f.load().unwrap();
    let took = start.elapsed();
    assert_eq!(l.data.teachers.len(), 48_000);
    eprintln!("48,000 teachers in {took:?}");
    assert!(took.as_secs_f64() < 0.3, "{took:?}");
}

/// A file that looks enough like a CSV of `header` to reach the row parsers.
fn csvish(header: &'static str) -> impl Strategy<Value = Vec<u8>> {
    let cell = prop_oneof![
        Just(String::new()),
        "[0-9]{1,4}(\\.[05]0?)?",
        "-?[0-9]{1,3}\\.[0-9]{1,3}",
        "[a-zA-Z_ ]{0,8}",
        "(城区|乡村|是|否|男|女|数学|在岗|交流|2021-11-03|U1|R1|T1|S1|；|;|\u{feff}|\u{3000})",
        "\"[,\n\"a\r]{0,4}\"?",
        "[\u{0}-\u{7f}]{0,3}",
    ];
    let row = proptest::collection::vec(cell, 0..14).prop_map(|c| c.join(","));
    let rows = proptest::collection::vec(row, 0..6);
    (rows, any::<bool>(), 0u8..3).prop_map(move |(rows, crlf, enc)| {
        let nl = if crlf { "\r\n" } else { "\n" };
        let text = format!("{header}{nl}{}", rows.join(nl));
        match enc {
            0 => text.into_bytes(),
            1 => encoding_rs::GBK.encode(&text).0.into_owned(),
            _ => [
                &[0xFF, 0xFE][..],
                &text
                    .encode_utf16()
                    .flat_map(u16::to_le_bytes)
                    .collect::<Vec<u8>>(),
            ]
            .concat(),
        }
    })
}

fn anything() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..300),
        proptest::collection::vec(any::<u8>(), 0..300)
            .prop_map(|b| [&b"PK\x03\x04"[..], &b].concat()),
        proptest::collection::vec(any::<u8>(), 0..300).prop_map(|b| [
            &[0xD0, 0xCF, 0x11, 0xE0][..],
            &b
        ]
        .concat()),
        proptest::collection::vec(any::<u8>(), 0..300)
            .prop_map(|b| [&[0xFE, 0xFF][..], &b].concat()),
    ]
}

const HEADERS: [&str; 5] = [
    "school_id,name,district,township,locality,weak,stage,lat,lon,staff",
    "工号,姓名,性别,出生年份,学校代码,任教学科,职称,骨干级别,岗位,到校年份,状态,自愿交流",
    "school_id,subject,count,priority",
    "teacher_id,from_school,to_school,subject,form,start_year,end_year,status",
    "evaluator_id,name,school_id,district,subjects,max_per_day,unavailable",
];
const NAMES: [&str; 5] = ["schools", "teachers", "needs", "ledger", "evaluators"];

fn check_no_panic(files: [Vec<u8>; 5]) {
    let dir = tempfile::tempdir().unwrap();
    for (name, bytes) in NAMES.iter().zip(&files) {
        fs::write(dir.path().join(format!("{name}.csv")), bytes).unwrap();
    }
    let result = load(&DataSources {
        dir: Some(dir.path().to_path_buf()),
        ..DataSources::default()
    });
    if let Err(e) = result {
        // Every error renders, and carries its file.
        for err in &e.0 {
            assert!(!err.file.is_empty());
            let _ = err.to_string();
        }
    }
    let _ = load_ledger(&dir.path().join("ledger.csv"));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn arbitrary_bytes_never_panic(
        a in anything(), b in anything(), c in anything(), d in anything(), e in anything()
    ) {
        check_no_panic([a, b, c, d, e]);
    }

    #[test]
    fn arbitrary_csvish_rows_never_panic(
        a in csvish(HEADERS[0]), b in csvish(HEADERS[1]), c in csvish(HEADERS[2]),
        d in csvish(HEADERS[3]), e in csvish(HEADERS[4])
    ) {
        check_no_panic([a, b, c, d, e]);
    }
}
