//! The investment planner's plans as issue 32 asks them: a combined school's whole-school addition once per column
//! (both levels served by one addition, the land check on the school's whole ground), and hired teachers counted
//! in the level's teachers, so that no school's parts exceed its whole once the plan is applied.

mod workdir;

use workdir::Workdir;

#[test]
fn issue32_01_a_combined_school_is_paid_for_once_per_column() {
    let wd = Workdir::loaded(&["sample"]);
    wd.ok(&["plan", "--year", "2023", "--format", "csv"]);
    // One row per school and column of the schools table (a whole-school column serves both levels at once).
    let twice = wd.sql(
        "SELECT school_id, resource, count(*) FROM plan WHERE year = 2023 GROUP BY ALL HAVING count(*) > 1 ORDER BY 1, 2 LIMIT 5",
    );
    assert!(twice.is_empty(), "{twice:?}");
    // Combined schools get whole-school additions that name the levels they serve.
    let combined = wd.count(
        "SELECT count(*) FROM plan p JOIN schools s USING (year, school_id)
         WHERE s.school_type IN ('nine_year', 'twelve_year') AND p.resource IN ('teaching_area_m2', 'sports_area_m2', 'equipment_value_yuan', 'multimedia_rooms')",
    );
    assert!(combined > 0, "the sample's plans add to combined schools");
    let levels = wd.sql("SELECT DISTINCT level FROM plan WHERE resource = 'teaching_area_m2' ORDER BY 1");
    assert!(levels.iter().all(|l| ["primary", "junior", "primary,junior"].contains(&l[0].as_str())), "{levels:?}");
}

#[test]
fn issue32_04_after_a_plan_no_school_has_a_category_above_its_teachers() {
    let wd = Workdir::loaded(&["sample"]);
    wd.ok(&["plan", "--year", "2023", "--format", "csv"]);
    for level in ["primary", "junior"] {
        let over = wd.count(&format!(
            "WITH adds AS (SELECT school_id, resource, sum(\"add\") AS a FROM plan WHERE year = 2023 GROUP BY ALL),
             after AS (
               SELECT s.school_id,
                 s.{level}_teachers + coalesce((SELECT a FROM adds WHERE adds.school_id = s.school_id AND resource = '{level}_teachers'), 0) AS teachers,
                 greatest(
                   s.{level}_degree_teachers + coalesce((SELECT a FROM adds WHERE adds.school_id = s.school_id AND resource = '{level}_degree_teachers'), 0),
                   s.{level}_backbone_teachers + coalesce((SELECT a FROM adds WHERE adds.school_id = s.school_id AND resource = '{level}_backbone_teachers'), 0),
                   s.{level}_pe_art_teachers + coalesce((SELECT a FROM adds WHERE adds.school_id = s.school_id AND resource = '{level}_pe_art_teachers'), 0)
                 ) AS largest_part
               FROM schools s WHERE s.year = 2023)
             SELECT count(*) FROM after WHERE largest_part > teachers"
        ));
        assert_eq!(over, 0, "{level}: schools whose degree, backbone or PE/art teachers exceed their teachers after the plan");
    }
    // The hires are rows of their own, at no cost of their own (their cost is in the category's row).
    let hires = wd.sql("SELECT count(*), coalesce(sum(cost), 0) FROM plan WHERE resource LIKE '%\\_teachers' ESCAPE '\\' AND resource NOT LIKE '%degree%' AND resource NOT LIKE '%backbone%' AND resource NOT LIKE '%pe\\_art%' ESCAPE '\\'");
    assert!(hires[0][0].parse::<i64>().unwrap() > 0 && hires[0][1].parse::<f64>().unwrap() == 0.0, "{hires:?}");
}
