-- The Athena database of ecom-pipeline's Parquet tables (docs/deploying-aws.md "Athena"). Run this file first, then
-- the others in any order (each one CREATE EXTERNAL TABLE; no MSCK REPAIR needed: the partitions are projected from
-- the keys' order_date=YYYY-MM-DD/ or date=YYYY-MM-DD/ folders).
CREATE DATABASE IF NOT EXISTS ecom_pipeline;
