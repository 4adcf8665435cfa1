-- source/payments/: the simulated payment system's files, one per generated day (docs/generator.md). The partition
-- column is named date, as in the keys (date=YYYY-MM-DD/): quote it in queries ("date").
CREATE EXTERNAL TABLE IF NOT EXISTS ecom_pipeline.source_payments (
  payment_id bigint,
  order_id bigint,
  customer_id bigint,
  payment_date date,
  method string,
  status string,
  amount decimal(14,2),
  currency string
)
PARTITIONED BY (`date` date)
STORED AS PARQUET
LOCATION 's3://${Bucket}/source/payments/'
TBLPROPERTIES (
  'projection.enabled' = 'true',
  'projection.date.type' = 'date',
  'projection.date.format' = 'yyyy-MM-dd',
  'projection.date.range' = '2000-01-01,NOW+1DAYS',
  'projection.date.interval' = '1',
  'projection.date.interval.unit' = 'DAYS'
);
