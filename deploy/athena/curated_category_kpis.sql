-- curated/category_kpis/: the CategoryKPIs of each order date (one row per category and date; one partition, one
-- file, per month of order dates), equal to the DynamoDB table's items (docs/contract.md section 5; docs/data.md
-- "The curated zone").
CREATE EXTERNAL TABLE IF NOT EXISTS ecom_pipeline.curated_category_kpis (
  order_date date,
  category string,
  daily_revenue decimal(38,2),
  avg_order_value decimal(38,2),
  avg_return_rate decimal(5,4),
  orders bigint,
  returned_orders bigint
)
PARTITIONED BY (order_month string)
STORED AS PARQUET
LOCATION 's3://${Bucket}/curated/category_kpis/'
TBLPROPERTIES (
  'projection.enabled' = 'true',
  'projection.order_month.type' = 'date',
  'projection.order_month.format' = 'yyyy-MM',
  'projection.order_month.range' = '2000-01,NOW',
  'projection.order_month.interval' = '1',
  'projection.order_month.interval.unit' = 'MONTHS'
);
