-- curated/orders/: the current version of every order, one partition per order date, replaced as a whole when a
-- batch changes the date (docs/data.md "The curated zone"). Columns and types as CuratedZoneTest reads them back.
CREATE EXTERNAL TABLE IF NOT EXISTS ecom_pipeline.curated_orders (
  order_id bigint,
  user_id bigint,
  total_amount decimal(38,6),
  status string,
  returned boolean,
  batch_id string,
  batch_arrived_at timestamp
)
PARTITIONED BY (order_date date)
STORED AS PARQUET
LOCATION 's3://${Bucket}/curated/orders/'
TBLPROPERTIES (
  'projection.enabled' = 'true',
  'projection.order_date.type' = 'date',
  'projection.order_date.format' = 'yyyy-MM-dd',
  'projection.order_date.range' = '2000-01-01,NOW+1DAYS',
  'projection.order_date.interval' = '1',
  'projection.order_date.interval.unit' = 'DAYS'
);
