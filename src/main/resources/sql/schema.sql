-- The pipeline's durable state (CONTRACT §4), applied idempotently at start-up.
CREATE SCHEMA IF NOT EXISTS pipeline;

-- Camel's aggregation repository: batches being collected survive a restart.
CREATE TABLE IF NOT EXISTS pipeline.batch_collector (
    id varchar(255) PRIMARY KEY,
    exchange bytea NOT NULL,
    version bigint NOT NULL
);
CREATE TABLE IF NOT EXISTS pipeline.batch_collector_completed (
    id varchar(255) PRIMARY KEY,
    exchange bytea NOT NULL,
    version bigint NOT NULL
);

-- One row per batch; status moves collected -> validated -> applied -> loaded -> finished.
CREATE TABLE IF NOT EXISTS pipeline.batches (
    batch_id      text PRIMARY KEY,
    status        text NOT NULL,
    first_arrival timestamptz NOT NULL,
    applied_seq   bigint UNIQUE,
    touched_dates date[] NOT NULL DEFAULT '{}',
    error         text,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE SEQUENCE IF NOT EXISTS pipeline.batch_apply_seq;

-- The files of a batch, their read order and what validation made of them.
CREATE TABLE IF NOT EXISTS pipeline.batch_files (
    batch_id      text NOT NULL REFERENCES pipeline.batches (batch_id),
    incoming_key  text NOT NULL,
    collected_key text NOT NULL,
    final_key     text,
    kind          text,
    size_bytes    bigint NOT NULL,
    read_order    int NOT NULL,
    outcome       text,
    reason        text,
    detail        text,
    rows_read     bigint NOT NULL DEFAULT 0,
    rows_accepted bigint NOT NULL DEFAULT 0,
    rejected      jsonb NOT NULL DEFAULT '{}',
    rejected_key  text,
    PRIMARY KEY (batch_id, collected_key)
);

-- A batch's accepted rows between validation and application.
CREATE TABLE IF NOT EXISTS pipeline.staged_products (
    batch_id text NOT NULL, row_seq bigint NOT NULL, file_key text NOT NULL,
    product_id bigint NOT NULL, category text NOT NULL, name text, price numeric NOT NULL
);
CREATE TABLE IF NOT EXISTS pipeline.staged_orders (
    batch_id text NOT NULL, row_seq bigint NOT NULL, file_key text NOT NULL,
    order_id bigint NOT NULL, user_id bigint NOT NULL, order_date date NOT NULL,
    total_amount numeric NOT NULL, status text NOT NULL
);
CREATE TABLE IF NOT EXISTS pipeline.staged_lines (
    batch_id text NOT NULL, row_seq bigint NOT NULL, file_key text NOT NULL,
    order_id bigint NOT NULL, product_id bigint NOT NULL, quantity bigint NOT NULL,
    unit_price numeric NOT NULL, category text NOT NULL
);
CREATE INDEX IF NOT EXISTS staged_products_batch ON pipeline.staged_products (batch_id);
CREATE INDEX IF NOT EXISTS staged_orders_batch ON pipeline.staged_orders (batch_id);
CREATE INDEX IF NOT EXISTS staged_lines_batch ON pipeline.staged_lines (batch_id);

-- Current state: the catalog, the latest version of each order, and each order's lines.
CREATE TABLE IF NOT EXISTS pipeline.catalog (
    product_id bigint PRIMARY KEY, category text NOT NULL, name text, price numeric NOT NULL,
    batch_id text NOT NULL
);
CREATE TABLE IF NOT EXISTS pipeline.orders (
    order_id bigint PRIMARY KEY, user_id bigint NOT NULL, order_date date NOT NULL,
    total_amount numeric NOT NULL, status text NOT NULL, returned boolean NOT NULL,
    batch_id text NOT NULL
);
CREATE INDEX IF NOT EXISTS orders_by_date ON pipeline.orders (order_date);
CREATE TABLE IF NOT EXISTS pipeline.order_lines (
    order_id bigint NOT NULL, product_id bigint NOT NULL, quantity bigint NOT NULL,
    unit_price numeric NOT NULL, category text NOT NULL, batch_id text NOT NULL
);
CREATE INDEX IF NOT EXISTS order_lines_identity ON pipeline.order_lines (order_id, product_id);

-- Which CategoryKPIs items exist, so a date's vanished categories can be deleted from DynamoDB.
CREATE TABLE IF NOT EXISTS pipeline.category_kpi_keys (
    category text NOT NULL, order_date date NOT NULL, PRIMARY KEY (category, order_date)
);

-- since 0.1: attempts per batch, counted when an attempt starts (a crash counts)
ALTER TABLE pipeline.batches ADD COLUMN IF NOT EXISTS attempts int NOT NULL DEFAULT 0;
