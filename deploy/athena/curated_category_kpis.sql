-- curated/category_kpis/: the CategoryKPIs of each order date (one row per category), equal to the DynamoDB table's
-- items (docs/contract.md section 5; docs/data.md "The curated zone").
CREATE EXTERNAL TABLE IF NOT EXISTS ecom_pipeline.curated_category_kpis (
  category string,
  daily_revenue decimal(38,2),
  avg_order_value decimal(38,2),
  avg_return_rate decimal(5,4),
  orders bigint,
  returned_orders bigint
)
PARTITIONED BY (order_date date)
STORED AS PARQUET
LOCATION 's3://${Bucket}/curated/category_kpis/'
TBLPROPERTIES (
  'projection.enabled' = 'true',
  'projection.order_date.type' = 'date',
  'projection.order_date.format' = 'yyyy-MM-dd',
  'projection.order_date.range' = '2000-01-01,NOW+1DAYS',
  'projection.order_date.interval' = '1',
  'projection.order_date.interval.unit' = 'DAYS'
);
