-- title: Balance CVs reproduced from the schools table alone
-- answers: the inter-school coefficient of variation (差异系数) of each basic (8) and quality (7) indicator, per
--   year, county and level, written from the formulas of the domain reference in plain SQL, with the national
--   rules: combined schools split by weighted enrolment (nine-year 1:1.1, complete secondary junior:senior 1:1.2,
--   twelve-year 1:1.1:1.32), teaching and sports areas as reported (the plain formulas of 2017: indoor sports
--   rooms are not moved), special-education schools left out, and for quality also teaching points under 50
--   pupils. CV = weighted population SD / weighted mean, weights = pupils of the level, in two grouped passes
--   over the level units, one indicator per column: the weighted means, then the weighted squared deviations
--   from them; only the results are unpivoted to one row per indicator. It is an independent check of
--   `countyedu balance` (tests compare the two to 1e-9).
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
           primary_teachers AS teachers, primary_degree_teachers AS degree_teachers, primary_titled_teachers AS titled_teachers,
           primary_backbone_teachers AS backbone_teachers, primary_pe_art_teachers AS pe_art_teachers
    FROM s WHERE a > 0
    UNION ALL
    SELECT year, county_code, school_type, 'junior' AS level, b AS p, wj * b / (a + wj * b + ws * c) AS share,
           teaching_area_m2, sports_area_m2, equipment_value_yuan, computers, books, multimedia_rooms,
           junior_teachers, junior_degree_teachers, junior_titled_teachers, junior_backbone_teachers, junior_pe_art_teachers
    FROM s WHERE b > 0
),
v AS (
    SELECT year, county_code, level, p,
           NOT (school_type = 'teaching_point' AND p < 50) AS in_quality,
           teaching_area_m2 * share / p        AS teach,
           sports_area_m2 * share / p          AS sports,
           equipment_value_yuan * share / p    AS equip,
           100 * computers * share / p         AS comp,
           books * share / p                   AS books,
           teachers / p                        AS tch,
           degree_teachers / p                 AS deg,
           titled_teachers / p                 AS tit,
           100 * degree_teachers / p           AS deg100,
           100 * backbone_teachers / p         AS back100,
           100 * pe_art_teachers / p           AS pe100,
           100 * multimedia_rooms * share / p  AS mm100
    FROM units
),
basic_mean AS (
    SELECT year, county_code, level,
        count(teach) AS n0, sum(p) FILTER (WHERE teach IS NOT NULL) AS w0, sum(p * teach) / sum(p) FILTER (WHERE teach IS NOT NULL) AS m0,
        count(sports) AS n1, sum(p) FILTER (WHERE sports IS NOT NULL) AS w1, sum(p * sports) / sum(p) FILTER (WHERE sports IS NOT NULL) AS m1,
        count(equip) AS n2, sum(p) FILTER (WHERE equip IS NOT NULL) AS w2, sum(p * equip) / sum(p) FILTER (WHERE equip IS NOT NULL) AS m2,
        count(comp) AS n3, sum(p) FILTER (WHERE comp IS NOT NULL) AS w3, sum(p * comp) / sum(p) FILTER (WHERE comp IS NOT NULL) AS m3,
        count(books) AS n4, sum(p) FILTER (WHERE books IS NOT NULL) AS w4, sum(p * books) / sum(p) FILTER (WHERE books IS NOT NULL) AS m4,
        count(tch) AS n5, sum(p) FILTER (WHERE tch IS NOT NULL) AS w5, sum(p * tch) / sum(p) FILTER (WHERE tch IS NOT NULL) AS m5,
        count(deg) AS n6, sum(p) FILTER (WHERE deg IS NOT NULL) AS w6, sum(p * deg) / sum(p) FILTER (WHERE deg IS NOT NULL) AS m6,
        count(tit) AS n7, sum(p) FILTER (WHERE tit IS NOT NULL) AS w7, sum(p * tit) / sum(p) FILTER (WHERE tit IS NOT NULL) AS m7
    FROM v GROUP BY year, county_code, level
),
quality_mean AS (
    SELECT year, county_code, level,
        count(deg100) AS n0, sum(p) FILTER (WHERE deg100 IS NOT NULL) AS w0, sum(p * deg100) / sum(p) FILTER (WHERE deg100 IS NOT NULL) AS m0,
        count(back100) AS n1, sum(p) FILTER (WHERE back100 IS NOT NULL) AS w1, sum(p * back100) / sum(p) FILTER (WHERE back100 IS NOT NULL) AS m1,
        count(pe100) AS n2, sum(p) FILTER (WHERE pe100 IS NOT NULL) AS w2, sum(p * pe100) / sum(p) FILTER (WHERE pe100 IS NOT NULL) AS m2,
        count(teach) AS n3, sum(p) FILTER (WHERE teach IS NOT NULL) AS w3, sum(p * teach) / sum(p) FILTER (WHERE teach IS NOT NULL) AS m3,
        count(sports) AS n4, sum(p) FILTER (WHERE sports IS NOT NULL) AS w4, sum(p * sports) / sum(p) FILTER (WHERE sports IS NOT NULL) AS m4,
        count(equip) AS n5, sum(p) FILTER (WHERE equip IS NOT NULL) AS w5, sum(p * equip) / sum(p) FILTER (WHERE equip IS NOT NULL) AS m5,
        count(mm100) AS n6, sum(p) FILTER (WHERE mm100 IS NOT NULL) AS w6, sum(p * mm100) / sum(p) FILTER (WHERE mm100 IS NOT NULL) AS m6
    FROM v WHERE in_quality GROUP BY year, county_code, level
),
basic AS (
    SELECT m.year, m.county_code, m.level, m.n0, m.w0, m.m0, m.n1, m.w1, m.m1, m.n2, m.w2, m.m2, m.n3, m.w3, m.m3, m.n4, m.w4, m.m4, m.n5, m.w5, m.m5, m.n6, m.w6, m.m6, m.n7, m.w7, m.m7,
        sum(v.p * (v.teach - m.m0) ^ 2) AS d0,
        sum(v.p * (v.sports - m.m1) ^ 2) AS d1,
        sum(v.p * (v.equip - m.m2) ^ 2) AS d2,
        sum(v.p * (v.comp - m.m3) ^ 2) AS d3,
        sum(v.p * (v.books - m.m4) ^ 2) AS d4,
        sum(v.p * (v.tch - m.m5) ^ 2) AS d5,
        sum(v.p * (v.deg - m.m6) ^ 2) AS d6,
        sum(v.p * (v.tit - m.m7) ^ 2) AS d7
    FROM v JOIN basic_mean m USING (year, county_code, level)
    GROUP BY ALL
),
quality AS (
    SELECT m.year, m.county_code, m.level, m.n0, m.w0, m.m0, m.n1, m.w1, m.m1, m.n2, m.w2, m.m2, m.n3, m.w3, m.m3, m.n4, m.w4, m.m4, m.n5, m.w5, m.m5, m.n6, m.w6, m.m6,
        sum(v.p * (v.deg100 - m.m0) ^ 2) AS d0,
        sum(v.p * (v.back100 - m.m1) ^ 2) AS d1,
        sum(v.p * (v.pe100 - m.m2) ^ 2) AS d2,
        sum(v.p * (v.teach - m.m3) ^ 2) AS d3,
        sum(v.p * (v.sports - m.m4) ^ 2) AS d4,
        sum(v.p * (v.equip - m.m5) ^ 2) AS d5,
        sum(v.p * (v.mm100 - m.m6) ^ 2) AS d6
    FROM v JOIN quality_mean m USING (year, county_code, level) WHERE v.in_quality
    GROUP BY ALL
)
SELECT year, county_code, level, standard, indicator, n AS n_schools, w AS students, mean,
       sqrt(dev / w) AS sd,
       CASE WHEN mean > 0 THEN sqrt(dev / w) / mean END AS cv
FROM (
    SELECT year, county_code, level, 'basic' AS standard, indicator, n, w, mean, dev
    FROM (UNPIVOT basic ON (n0, w0, m0, d0) AS teach_area_per_student, (n1, w1, m1, d1) AS sports_area_per_student, (n2, w2, m2, d2) AS equipment_value_per_student, (n3, w3, m3, d3) AS computers_per_100, (n4, w4, m4, d4) AS books_per_student, (n5, w5, m5, d5) AS teachers_per_student, (n6, w6, m6, d6) AS degree_teachers_per_student, (n7, w7, m7, d7) AS titled_teachers_per_student
          INTO NAME indicator VALUE n, w, mean, dev)
    UNION ALL
    SELECT year, county_code, level, 'quality' AS standard, indicator, n, w, mean, dev
    FROM (UNPIVOT quality ON (n0, w0, m0, d0) AS degree_teachers_per_100, (n1, w1, m1, d1) AS backbone_teachers_per_100, (n2, w2, m2, d2) AS pe_art_teachers_per_100, (n3, w3, m3, d3) AS teach_area_per_student, (n4, w4, m4, d4) AS sports_area_per_student, (n5, w5, m5, d5) AS equipment_value_per_student, (n6, w6, m6, d6) AS multimedia_rooms_per_100
          INTO NAME indicator VALUE n, w, mean, dev)
)
WHERE n > 0
ORDER BY year, county_code, level, standard, indicator;
