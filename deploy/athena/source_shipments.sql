-- source/shipments/: the simulated shipping system's files, one per generated day (docs/generator.md). The partition
-- column is named date, as in the keys (date=YYYY-MM-DD/): quote it in queries ("date").
CREATE EXTERNAL TABLE IF NOT EXISTS ecom_pipeline.source_shipments (
  shipment_id bigint,
  order_id bigint,
  ship_date date,
  carrier string,
  tracking_number string,
  expected_delivery date,
  status string,
  country string
)
PARTITIONED BY (`date` date)
STORED AS PARQUET
LOCATION 's3://${Bucket}/source/shipments/'
TBLPROPERTIES (
  'projection.enabled' = 'true',
  'projection.date.type' = 'date',
  'projection.date.format' = 'yyyy-MM-dd',
  'projection.date.range' = '2000-01-01,NOW+1DAYS',
  'projection.date.interval' = '1',
  'projection.date.interval.unit' = 'DAYS'
);
