-- How many generations a stress worker wrote (it tags them with the model name).
SELECT COUNT(*) AS n
FROM generations
WHERE model_name = :model_name;
