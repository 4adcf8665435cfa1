-- curated/order_lines/: the lines of those orders with the category resolved when their batch was applied; the
-- partition is the order's date (docs/data.md "The curated zone").
CREATE EXTERNAL TABLE IF NOT EXISTS ecom_pipeline.curated_order_lines (
  order_id bigint,
  product_id bigint,
  category string,
  quantity bigint,
  unit_price decimal(38,6),
  line_revenue decimal(38,6),
  batch_id string,
  batch_arrived_at timestamp
)
PARTITIONED BY (order_date date)
STORED AS PARQUET
LOCATION 's3://${Bucket}/curated/order_lines/'
TBLPROPERTIES (
  'projection.enabled' = 'true',
  'projection.order_date.type' = 'date',
  'projection.order_date.format' = 'yyyy-MM-dd',
  'projection.order_date.range' = '2000-01-01,NOW+1DAYS',
  'projection.order_date.interval' = '1',
  'projection.order_date.interval.unit' = 'DAYS'
);
