-- title: Urban–rural gap of one indicator in a county, year by year
-- answers: whether rural schools are catching up: group means (城区 / 镇区 / 乡村), the rural/urban ratio, the share
--          of variance between the groups, per year.
-- parameters:
--   county_code text = 140121: the county (6 digits)
--   indicator text = equipment_value_per_student: a balance indicator id
--   level text = primary: primary or junior
--   standard text = quality: basic or quality (which schools count)
SELECT year, schools_urban, schools_town, schools_rural,
       round(mean_urban, 2) AS mean_urban, round(mean_town, 2) AS mean_town, round(mean_rural, 2) AS mean_rural,
       round(rural_urban_ratio, 3) AS rural_urban_ratio, round(between_share, 3) AS between_share,
       round(theil_between, 5) AS theil_between, round(theil_t, 5) AS theil_t
FROM urban_rural
WHERE county_code = $county_code AND indicator = $indicator AND level = $level AND standard = $standard
  AND grouping = 'three'
ORDER BY year;
