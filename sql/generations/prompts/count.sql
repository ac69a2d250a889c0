-- How many distinct prompts there are.
SELECT COUNT(*) AS n
FROM prompts;
