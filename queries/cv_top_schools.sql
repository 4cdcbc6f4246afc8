-- title: The ten schools that most raise a county's CVs
-- answers: under 优质均衡, which school units carry the largest share of the county's weighted variance across the
--          7 indicators (cv_drag), with their standards met and what they lack.
-- parameters:
--   county_code text = 140121: the county (6 digits)
--   year integer = 2023: the year
--   level text = junior: primary or junior
SELECT school_id, school_name, school_type, students,
       round(cv_drag, 4) AS cv_drag, indicators_met, school_pass,
       round(equipment_value_per_student, 1) AS equipment_value_per_student,
       equipment_value_per_student_shortfall AS equipment_shortfall_yuan,
       round(sports_area_per_student, 2) AS sports_area_per_student,
       sports_area_per_student_shortfall AS sports_shortfall_m2
FROM balance_schools
WHERE county_code = $county_code AND year = $year AND level = $level
ORDER BY cv_drag DESC, school_id
LIMIT 10;
