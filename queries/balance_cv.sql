-- title: Balance CVs reproduced from the schools table alone
-- answers: the inter-school coefficient of variation (差异系数) of each basic (8) and quality (7) indicator, per
--   year, county and level, written from the formulas of the domain reference in plain SQL, with the national
--   rules: combined schools split by weighted enrolment (nine-year 1:1.1, complete secondary junior:senior 1:1.2,
--   twelve-year 1:1.1:1.32), teaching and sports areas as reported (the plain formulas of 2017: indoor sports
--   rooms are not moved), special-education schools left out, and for quality also teaching points under 50 pupils. CV = weighted population SD / weighted mean,
--   weights = pupils of the level. It is an independent check of `countyedu balance` (tests compare the two to
--   1e-9) and the baseline of its benchmark.
-- parameters: none
WITH weighted AS (
    SELECT *,
           coalesce(primary_students, 0)::DOUBLE AS a,
           coalesce(junior_students, 0)::DOUBLE AS b,
           coalesce(senior_students, 0)::DOUBLE AS c,
           1.0 AS wp,
           CASE school_type WHEN 'complete_secondary' THEN 1.0 ELSE 1.1 END AS wj,
           CASE school_type WHEN 'complete_secondary' THEN 1.2 ELSE 1.32 END AS ws,
           teaching_area_m2 AS teach_eff
    FROM schools
),
units AS (
    SELECT year, county_code, school_type, 'primary' AS level, a AS students, wp * a / (wp * a + wj * b + ws * c) AS share,
           teach_eff, sports_area_m2, equipment_value_yuan, computers, books, multimedia_rooms,
           primary_teachers AS teachers, primary_degree_teachers AS degree_teachers, primary_titled_teachers AS titled_teachers,
           primary_backbone_teachers AS backbone_teachers, primary_pe_art_teachers AS pe_art_teachers
    FROM weighted WHERE a > 0
    UNION ALL
    SELECT year, county_code, school_type, 'junior' AS level, b AS students, wj * b / (wp * a + wj * b + ws * c) AS share,
           teach_eff, sports_area_m2, equipment_value_yuan, computers, books, multimedia_rooms,
           junior_teachers AS teachers, junior_degree_teachers AS degree_teachers, junior_titled_teachers AS titled_teachers,
           junior_backbone_teachers AS backbone_teachers, junior_pe_art_teachers AS pe_art_teachers
    FROM weighted WHERE b > 0
),
unit_values AS (
    SELECT year, county_code, school_type, level, students,
           teach_eff * share / students                AS teach_area_per_student,
           sports_area_m2 * share / students           AS sports_area_per_student,
           equipment_value_yuan * share / students     AS equipment_value_per_student,
           100 * computers * share / students          AS computers_per_100,
           books * share / students                    AS books_per_student,
           teachers / students                         AS teachers_per_student,
           degree_teachers / students                  AS degree_teachers_per_student,
           titled_teachers / students                  AS titled_teachers_per_student,
           100 * degree_teachers / students            AS degree_teachers_per_100,
           100 * backbone_teachers / students          AS backbone_teachers_per_100,
           100 * pe_art_teachers / students            AS pe_art_teachers_per_100,
           100 * multimedia_rooms * share / students   AS multimedia_rooms_per_100
    FROM units
),
long AS (
    SELECT year, county_code, level, 'basic' AS standard, indicator, students, x
    FROM (UNPIVOT (SELECT * FROM unit_values WHERE school_type <> 'special')
          ON teach_area_per_student, sports_area_per_student, equipment_value_per_student, computers_per_100, books_per_student, teachers_per_student, degree_teachers_per_student, titled_teachers_per_student
          INTO NAME indicator VALUE x)
    UNION ALL
    SELECT year, county_code, level, 'quality' AS standard, indicator, students, x
    FROM (UNPIVOT (SELECT * FROM unit_values
                   WHERE school_type <> 'special' AND NOT (school_type = 'teaching_point' AND students < 50))
          ON degree_teachers_per_100, backbone_teachers_per_100, pe_art_teachers_per_100, teach_area_per_student, sports_area_per_student, equipment_value_per_student, multimedia_rooms_per_100
          INTO NAME indicator VALUE x)
),
means AS (
    SELECT year, county_code, level, standard, indicator,
           sum(students) AS pupils, sum(students * x) / sum(students) AS mean
    FROM long
    GROUP BY ALL
)
SELECT l.year, l.county_code, l.level, l.standard, l.indicator,
       count(*) AS n_schools,
       m.pupils AS students,
       m.mean,
       sqrt(sum(l.students * (l.x - m.mean) ^ 2) / m.pupils) AS sd,
       CASE WHEN m.mean > 0 THEN sqrt(sum(l.students * (l.x - m.mean) ^ 2) / m.pupils) / m.mean END AS cv
FROM long l
JOIN means m USING (year, county_code, level, standard, indicator)
GROUP BY l.year, l.county_code, l.level, l.standard, l.indicator, m.pupils, m.mean
ORDER BY l.year, l.county_code, l.level, l.standard, l.indicator;
