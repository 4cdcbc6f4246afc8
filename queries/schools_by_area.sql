-- title: A county's compulsory schools, pupils and teachers by level and by 城区 / 镇区 / 乡村
-- answers: the figures of a report's 基本情况: per level (schools teaching it) and urban–rural group (统计用城乡分类
--          代码 11x 城区, 12x 镇区, 2xx 乡村, other or empty 未分类 = 0), with subtotals per level and the total.
-- parameters:
--   county_code text = 140121: the county (6 digits)
--   year integer = 2023: the year
WITH s AS (
    SELECT *, CASE WHEN urban_rural_code BETWEEN 110 AND 119 THEN 1 WHEN urban_rural_code BETWEEN 120 AND 129 THEN 2
                   WHEN urban_rural_code BETWEEN 200 AND 299 THEN 3 ELSE 0 END AS g
    FROM schools WHERE county_code = $county_code AND year = $year
), l AS (
    SELECT 'primary' AS level, g, primary_students AS pupils, primary_teachers AS teachers FROM s WHERE primary_students > 0
    UNION ALL
    SELECT 'junior', g, junior_students, junior_teachers FROM s WHERE junior_students > 0
)
SELECT level, g AS area_group, count(*) AS schools, sum(pupils)::DOUBLE AS pupils, sum(teachers)::DOUBLE AS teachers
FROM l
GROUP BY ROLLUP (level, g)
HAVING count(*) > 0
ORDER BY level DESC NULLS LAST, g NULLS LAST;
