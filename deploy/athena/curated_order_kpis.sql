-- curated/order_kpis/: the OrderKPIs of each order date (one row), equal to the DynamoDB table's items
-- (docs/contract.md section 5; docs/data.md "The curated zone").
CREATE EXTERNAL TABLE IF NOT EXISTS ecom_pipeline.curated_order_kpis (
  total_orders bigint,
  total_revenue decimal(38,2),
  total_items_sold bigint,
  return_rate decimal(5,4),
  unique_customers bigint,
  returned_orders bigint
)
PARTITIONED BY (order_date date)
STORED AS PARQUET
LOCATION 's3://${Bucket}/curated/order_kpis/'
TBLPROPERTIES (
  'projection.enabled' = 'true',
  'projection.order_date.type' = 'date',
  'projection.order_date.format' = 'yyyy-MM-dd',
  'projection.order_date.range' = '2000-01-01,NOW+1DAYS',
  'projection.order_date.interval' = '1',
  'projection.order_date.interval.unit' = 'DAYS'
);
