-- title: The counties of a province or prefecture without school data or county indicators in a year
-- answers: which counties a league cannot judge for want of data (待填报): their school rows and indicator rows.
-- parameters:
--   area_code text = 140000: a province or prefecture (6 digits)
--   year integer = 2023: the year
SELECT c.county_code, c.county_name,
       (SELECT count(*) FROM schools s WHERE s.county_code = c.county_code AND s.year = $year) AS school_rows,
       (SELECT count(*) FROM county_indicators i WHERE i.county_code = c.county_code AND i.year = $year) AS indicator_rows
FROM counties c
WHERE $area_code IN (c.province_code, c.prefecture_code)
  AND (school_rows = 0 OR indicator_rows = 0)
ORDER BY c.county_code;
