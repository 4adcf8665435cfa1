CREATE SCHEMA IF NOT EXISTS shop;
CREATE TABLE IF NOT EXISTS shop.customers (
  customer_id bigint PRIMARY KEY, first_name text NOT NULL, last_name text NOT NULL, email text NOT NULL,
  address text NOT NULL, country text NOT NULL, registration_date date NOT NULL, segment text NOT NULL,
  lifetime_value numeric(14,2) NOT NULL DEFAULT 0, created_at timestamp NOT NULL, updated_at timestamp NOT NULL);
CREATE TABLE IF NOT EXISTS shop.products (
  product_id bigint PRIMARY KEY, name text NOT NULL, category text NOT NULL, price numeric(12,2) NOT NULL,
  cost numeric(12,2) NOT NULL, stock integer NOT NULL, created_at timestamp NOT NULL, updated_at timestamp NOT NULL);
CREATE TABLE IF NOT EXISTS shop.orders (
  order_id bigint PRIMARY KEY, customer_id bigint NOT NULL REFERENCES shop.customers, order_date date NOT NULL,
  order_time timestamp NOT NULL, status text NOT NULL, subtotal numeric(14,2) NOT NULL, discount numeric(14,2) NOT NULL,
  tax numeric(14,2) NOT NULL, shipping numeric(14,2) NOT NULL, total_amount numeric(14,2) NOT NULL,
  country text NOT NULL, created_at timestamp NOT NULL, updated_at timestamp NOT NULL);
CREATE INDEX IF NOT EXISTS orders_date ON shop.orders (order_date);
CREATE INDEX IF NOT EXISTS orders_customer ON shop.orders (customer_id);
CREATE TABLE IF NOT EXISTS shop.order_items (
  order_id bigint NOT NULL REFERENCES shop.orders, line_no integer NOT NULL, product_id bigint NOT NULL REFERENCES shop.products,
  quantity integer NOT NULL, unit_price numeric(12,2) NOT NULL, subtotal numeric(14,2) NOT NULL,
  created_at timestamp NOT NULL, PRIMARY KEY (order_id, line_no));
CREATE INDEX IF NOT EXISTS order_items_product ON shop.order_items (product_id);
CREATE TABLE IF NOT EXISTS shop.generated_days (
  day date PRIMARY KEY, customers integer NOT NULL, products integer NOT NULL, orders integer NOT NULL,
  order_items integer NOT NULL, status_updates integer NOT NULL, payments integer NOT NULL, shipments integer NOT NULL,
  generated_at timestamp NOT NULL DEFAULT now());
-- The history's scale and seed, written by the initial run: later runs use them unless told otherwise (one row).
CREATE TABLE IF NOT EXISTS shop.generator_settings (
  seed bigint NOT NULL, scale double precision NOT NULL, first_day date NOT NULL,
  written_at timestamp NOT NULL DEFAULT now());
CREATE UNIQUE INDEX IF NOT EXISTS generator_settings_one_row ON shop.generator_settings ((true));
