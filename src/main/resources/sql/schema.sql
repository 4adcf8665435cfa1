-- The pipeline's durable state (docs/contract.md §4), applied idempotently at every start (common/SqlScripts: one
-- transaction, under an advisory lock). The CREATE statements describe the current schema; a database made by an
-- earlier version already has these tables, which CREATE ... IF NOT EXISTS leaves as they are: the section at the end
-- brings such a database up to date, and is a no-op on a new one.
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

-- One row per batch; status moves collected -> validated -> checked -> applied -> loaded -> curated -> finished
-- (curated only with pipeline.curated.enabled).
CREATE TABLE IF NOT EXISTS pipeline.batches (
    batch_id      text PRIMARY KEY,
    status        text NOT NULL,
    first_arrival timestamptz NOT NULL,
    applied_seq   bigint UNIQUE,
    touched_dates date[] NOT NULL DEFAULT '{}',
    error         text,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    -- failed attempts (a step that failed; a crash is not the batch's fault and does not count)
    attempts      int NOT NULL DEFAULT 0,
    -- attempts started, crashed ones included: bounds a batch that kills its process every time
    starts        int NOT NULL DEFAULT 0,
    -- orders the batch gave another order_date than an earlier batch had, and a few of them (StateApplier)
    orders_moved   bigint NOT NULL DEFAULT 0,
    moved_examples jsonb NOT NULL DEFAULT '[]'
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

-- A batch's rows between validation and application (docs/data.md "What happens to a file"). Each file's accepted rows
-- are loaded with COPY in the file's own transaction, keyed by the file's read order and line, so the batch rules can
-- run as set-based SQL afterwards. No indexes: one batch is staged at a time, and COPY into a bare table is fastest.
-- Rejected rows wait here (raw is NULL for a row a batch rule rejected: its text is read back from the file) until
-- finish writes them to rejected/.
CREATE TABLE IF NOT EXISTS pipeline.stage_products (
    batch_id text NOT NULL, file_order int NOT NULL, line bigint NOT NULL,
    product_id bigint NOT NULL, category text NOT NULL, name text, price numeric NOT NULL
);
CREATE TABLE IF NOT EXISTS pipeline.stage_orders (
    batch_id text NOT NULL, file_order int NOT NULL, line bigint NOT NULL,
    order_id bigint NOT NULL, user_id bigint NOT NULL, order_date date NOT NULL,
    total_amount numeric NOT NULL, status text NOT NULL
);
CREATE TABLE IF NOT EXISTS pipeline.stage_lines (
    batch_id text NOT NULL, file_order int NOT NULL, line bigint NOT NULL,
    order_id bigint NOT NULL, product_id bigint NOT NULL, quantity bigint NOT NULL, unit_price numeric NOT NULL
);
CREATE TABLE IF NOT EXISTS pipeline.stage_rejects (
    batch_id text NOT NULL, file_order int NOT NULL, line bigint NOT NULL,
    reason text NOT NULL, detail text NOT NULL, raw text
);
-- The batch whose rows the staging tables hold (one at a time): lets clearing them be a TRUNCATE (BatchStore).
CREATE TABLE IF NOT EXISTS pipeline.stage_batches (batch_id text PRIMARY KEY);

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

-- The KPI step's results (kpi/KpiResults): the KPI queries' rows, exact, for every date that has orders; the curated
-- zone's KPI tables are written from them.
CREATE TABLE IF NOT EXISTS pipeline.order_kpis (
    order_date date PRIMARY KEY, total_orders bigint NOT NULL, returned_orders bigint NOT NULL,
    unique_customers bigint NOT NULL, total_revenue numeric NOT NULL, total_items_sold numeric NOT NULL
);
CREATE TABLE IF NOT EXISTS pipeline.category_kpis (
    category text NOT NULL, order_date date NOT NULL, daily_revenue numeric NOT NULL, orders bigint NOT NULL,
    returned_orders bigint NOT NULL, PRIMARY KEY (category, order_date)
);
CREATE INDEX IF NOT EXISTS category_kpis_by_date ON pipeline.category_kpis (order_date);

-- Upgrades of a database made by an earlier version (each a no-op on a database made by this one). Keep them: an
-- installation may skip versions. A new column goes into its CREATE TABLE above and gets its ADD COLUMN here.
-- before 0.1: pipeline.batches had no attempts column
ALTER TABLE pipeline.batches ADD COLUMN IF NOT EXISTS attempts int NOT NULL DEFAULT 0;
-- before 0.2: no starts column, and the staging tables were filled row by row (one sequence per batch)
ALTER TABLE pipeline.batches ADD COLUMN IF NOT EXISTS starts int NOT NULL DEFAULT 0;
DROP TABLE IF EXISTS pipeline.staged_products;
DROP TABLE IF EXISTS pipeline.staged_orders;
DROP TABLE IF EXISTS pipeline.staged_lines;
-- before 0.3: no count of the orders whose order_date a batch changed (their KPIs moved between dates), with a few examples
ALTER TABLE pipeline.batches ADD COLUMN IF NOT EXISTS orders_moved bigint NOT NULL DEFAULT 0;
ALTER TABLE pipeline.batches ADD COLUMN IF NOT EXISTS moved_examples jsonb NOT NULL DEFAULT '[]';
-- before 0.4: the KPI step kept no results (pipeline.order_kpis, pipeline.category_kpis); computed once here for the
-- whole history, as sql/order-kpis.sql and sql/category-kpis.sql compute them for a batch's dates, so that the
-- curated zone's KPI tables can be written for any date. Skipped (a one-time filter) once a table holds rows.
INSERT INTO pipeline.order_kpis
       (order_date, total_orders, returned_orders, unique_customers, total_revenue, total_items_sold)
SELECT order_date, count(*), count(*) FILTER (WHERE returned), count(DISTINCT user_id), COALESCE(SUM(revenue), 0),
       COALESCE(SUM(items), 0)
  FROM (SELECT o.order_date, o.user_id, o.returned, SUM(l.quantity * l.unit_price) AS revenue, SUM(l.quantity) AS items
          FROM pipeline.orders o
          LEFT JOIN pipeline.order_lines l ON l.order_id = o.order_id
         WHERE NOT EXISTS (SELECT 1 FROM pipeline.order_kpis)
         GROUP BY o.order_id) per_order
 GROUP BY order_date;
INSERT INTO pipeline.category_kpis (category, order_date, daily_revenue, orders, returned_orders)
SELECT category, order_date, SUM(revenue), count(*), count(*) FILTER (WHERE returned)
  FROM (SELECT l.category, o.order_date, o.returned, SUM(l.quantity * l.unit_price) AS revenue
          FROM pipeline.orders o
          JOIN pipeline.order_lines l ON l.order_id = o.order_id
         WHERE NOT EXISTS (SELECT 1 FROM pipeline.category_kpis)
         GROUP BY l.category, o.order_id) per_order
 GROUP BY category, order_date;
