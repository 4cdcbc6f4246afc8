-- title: Balance CVs as an expert writes them in DuckDB SQL (the baseline of bench/balance.sh)
-- answers: every basic (8) and quality (7) indicator CV per year, county and level, with the national rules
--   written in: a units view with the combined-school split (nine-year and twelve-year 1 : 1.1 : 1.32, complete
--   secondary junior : senior 1 : 1.2), special-education schools left out, and for quality also teaching points
--   under 50 pupils; then one grouped pass per standard computing Σw, Σw·x and Σw·x² of every indicator, and
--   mean = Σw·x / Σw, population SD = sqrt(Σw·x² / Σw − mean²), CV = SD / mean. Weights are the pupils of the
--   level. Written independently of the engine's generated SQL; bench/balance.sh checks the two agree to 1e-9.
-- parameters: none
WITH s AS (
    SELECT *,
           coalesce(primary_students, 0)::DOUBLE AS a,
           coalesce(junior_students, 0)::DOUBLE AS b,
           coalesce(senior_students, 0)::DOUBLE AS c,
           CASE school_type WHEN 'complete_secondary' THEN 1.0 ELSE 1.1 END AS wj,
           CASE school_type WHEN 'complete_secondary' THEN 1.2 ELSE 1.32 END AS ws
    FROM schools
    WHERE school_type <> 'special'
),
units AS (
    SELECT year, county_code, school_type, 'primary' AS level, a AS p, a / (a + wj * b + ws * c) AS share,
           teaching_area_m2, sports_area_m2, equipment_value_yuan, computers, books, multimedia_rooms,
           primary_teachers AS t, primary_degree_teachers AS dt, primary_titled_teachers AS tt,
           primary_backbone_teachers AS bt, primary_pe_art_teachers AS pt
    FROM s WHERE a > 0
    UNION ALL
    SELECT year, county_code, school_type, 'junior', b, wj * b / (a + wj * b + ws * c),
           teaching_area_m2, sports_area_m2, equipment_value_yuan, computers, books, multimedia_rooms,
           junior_teachers, junior_degree_teachers, junior_titled_teachers, junior_backbone_teachers, junior_pe_art_teachers
    FROM s WHERE b > 0
),
v AS (
    SELECT year, county_code, level, p, NOT (school_type = 'teaching_point' AND p < 50) AS in_quality,
           teaching_area_m2 * share / p AS teach, sports_area_m2 * share / p AS sports, equipment_value_yuan * share / p AS equip, 100 * computers * share / p AS comp, books * share / p AS books, t / p AS tch, dt / p AS deg, tt / p AS tit, 100 * dt / p AS deg100, 100 * bt / p AS back100, 100 * pt / p AS pe100, 100 * multimedia_rooms * share / p AS mm100
    FROM units
),
basic AS (
    SELECT year, county_code, level,
        count(teach) AS n0, sum(p) FILTER (WHERE teach IS NOT NULL) AS w0, sum(p * teach) AS s0, sum(p * teach * teach) AS q0,
        count(sports) AS n1, sum(p) FILTER (WHERE sports IS NOT NULL) AS w1, sum(p * sports) AS s1, sum(p * sports * sports) AS q1,
        count(equip) AS n2, sum(p) FILTER (WHERE equip IS NOT NULL) AS w2, sum(p * equip) AS s2, sum(p * equip * equip) AS q2,
        count(comp) AS n3, sum(p) FILTER (WHERE comp IS NOT NULL) AS w3, sum(p * comp) AS s3, sum(p * comp * comp) AS q3,
        count(books) AS n4, sum(p) FILTER (WHERE books IS NOT NULL) AS w4, sum(p * books) AS s4, sum(p * books * books) AS q4,
        count(tch) AS n5, sum(p) FILTER (WHERE tch IS NOT NULL) AS w5, sum(p * tch) AS s5, sum(p * tch * tch) AS q5,
        count(deg) AS n6, sum(p) FILTER (WHERE deg IS NOT NULL) AS w6, sum(p * deg) AS s6, sum(p * deg * deg) AS q6,
        count(tit) AS n7, sum(p) FILTER (WHERE tit IS NOT NULL) AS w7, sum(p * tit) AS s7, sum(p * tit * tit) AS q7
    FROM v GROUP BY year, county_code, level
),
quality AS (
    SELECT year, county_code, level,
        count(deg100) AS n0, sum(p) FILTER (WHERE deg100 IS NOT NULL) AS w0, sum(p * deg100) AS s0, sum(p * deg100 * deg100) AS q0,
        count(back100) AS n1, sum(p) FILTER (WHERE back100 IS NOT NULL) AS w1, sum(p * back100) AS s1, sum(p * back100 * back100) AS q1,
        count(pe100) AS n2, sum(p) FILTER (WHERE pe100 IS NOT NULL) AS w2, sum(p * pe100) AS s2, sum(p * pe100 * pe100) AS q2,
        count(teach) AS n3, sum(p) FILTER (WHERE teach IS NOT NULL) AS w3, sum(p * teach) AS s3, sum(p * teach * teach) AS q3,
        count(sports) AS n4, sum(p) FILTER (WHERE sports IS NOT NULL) AS w4, sum(p * sports) AS s4, sum(p * sports * sports) AS q4,
        count(equip) AS n5, sum(p) FILTER (WHERE equip IS NOT NULL) AS w5, sum(p * equip) AS s5, sum(p * equip * equip) AS q5,
        count(mm100) AS n6, sum(p) FILTER (WHERE mm100 IS NOT NULL) AS w6, sum(p * mm100) AS s6, sum(p * mm100 * mm100) AS q6
    FROM v WHERE in_quality GROUP BY year, county_code, level
),
long AS (
    SELECT year, county_code, level, 'basic' AS standard, indicator, n, w, sx, sxx
    FROM (UNPIVOT basic ON (n0, w0, s0, q0) AS teach_area_per_student, (n1, w1, s1, q1) AS sports_area_per_student, (n2, w2, s2, q2) AS equipment_value_per_student, (n3, w3, s3, q3) AS computers_per_100, (n4, w4, s4, q4) AS books_per_student, (n5, w5, s5, q5) AS teachers_per_student, (n6, w6, s6, q6) AS degree_teachers_per_student, (n7, w7, s7, q7) AS titled_teachers_per_student
          INTO NAME indicator VALUE n, w, sx, sxx)
    UNION ALL
    SELECT year, county_code, level, 'quality' AS standard, indicator, n, w, sx, sxx
    FROM (UNPIVOT quality ON (n0, w0, s0, q0) AS degree_teachers_per_100, (n1, w1, s1, q1) AS backbone_teachers_per_100, (n2, w2, s2, q2) AS pe_art_teachers_per_100, (n3, w3, s3, q3) AS teach_area_per_student, (n4, w4, s4, q4) AS sports_area_per_student, (n5, w5, s5, q5) AS equipment_value_per_student, (n6, w6, s6, q6) AS multimedia_rooms_per_100
          INTO NAME indicator VALUE n, w, sx, sxx)
)
SELECT year, county_code, level, standard, indicator, n AS n_schools, w AS students, sx / w AS mean,
       sqrt(greatest(sxx / w - (sx / w) ^ 2, 0)) AS sd,
       sqrt(greatest(sxx / w - (sx / w) ^ 2, 0)) / (sx / w) AS cv
FROM long
ORDER BY year, county_code, level, standard, indicator
