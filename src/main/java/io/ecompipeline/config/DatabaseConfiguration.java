package io.ecompipeline.config;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.ecompipeline.common.Errors;
import io.ecompipeline.common.Settings;
import io.ecompipeline.common.SqlScripts;
import io.ecompipeline.common.StartupException;
import io.ecompipeline.ingest.BatchCollectorRepository;
import io.ecompipeline.state.BatchStore;
import org.apache.camel.BeanInject;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;
import org.apache.camel.PropertyInject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;

/**
 * PostgreSQL, where the pipeline keeps its state across batches and the open batch: the connection pool (created with
 * the schema applied, so a bean that gets it can use it), the batch collector's aggregation repository and the
 * batches' records.
 */
@Configuration
public class DatabaseConfiguration implements CamelConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(DatabaseConfiguration.class);

    /** A HikariDataSource, as declared: the readiness check reads its settings (a lazy bean is found by this type). */
    @BindToRegistry(lazy = true)
    public HikariDataSource dataSource(CamelContext context, @PropertyInject("pipeline.jdbc.url") String url,
            @PropertyInject("pipeline.jdbc.user") String user, @PropertyInject("pipeline.jdbc.password") String password,
            @PropertyInject("pipeline.jdbc.pool-size") int poolSize,
            @PropertyInject("pipeline.jdbc.work-mem") String workMem) throws Exception {
        HikariConfig config = poolConfig(url.trim(), Settings.orNull(user), Settings.orNull(password), poolSize);
        workMem = Settings.orNull(workMem);
        if (workMem != null) {
            if (!workMem.matches("\\d+\\s*(kB|MB|GB)")) {
                throw new StartupException("pipeline.jdbc.work-mem must be like 64MB, not " + workMem, null);
            }
            // the batch rules, apply and KPI queries hash and sort a whole batch: in memory, not on disk
            config.setConnectionInitSql("SET work_mem = '" + workMem + "'");
        }
        HikariDataSource dataSource;
        try {
            dataSource = new HikariDataSource(config);
        } catch (RuntimeException e) {
            throw new StartupException("Cannot reach PostgreSQL at " + url + ": " + Errors.rootMessage(e), e);
        }
        applySchema(dataSource);
        OnStop.run(context, dataSource::close);
        return dataSource;
    }

    private static HikariConfig poolConfig(String url, String user, String password, int poolSize) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("pipeline");
        config.setJdbcUrl(url);
        // named, not looked up in DriverManager: under `camel run` the driver sits in a child class loader that
        // DriverManager does not search
        config.setDriverClassName("org.postgresql.Driver");
        config.setUsername(user);
        config.setPassword(password);
        config.setMaximumPoolSize(poolSize);
        config.setConnectionTimeout(10_000);
        // unqualified names (Camel's aggregation repository tables) resolve in the pipeline schema
        config.setSchema("pipeline");
        config.addDataSourceProperty("reWriteBatchedInserts", "true");
        return config;
    }

    /** Applies schema.sql (common/SqlScripts: one transaction, under an advisory lock: two instances may start together). */
    private static void applySchema(DataSource dataSource) throws SQLException {
        SqlScripts.apply(dataSource, "/sql/schema.sql", 4242001);
        LOG.info("Database schema 'pipeline' ready");
    }

    @BindToRegistry(lazy = true)
    public DataSourceTransactionManager transactionManager(@BeanInject("dataSource") DataSource dataSource) {
        return new DataSourceTransactionManager(dataSource);
    }

    /**
     * The batch collector's open batch (routes/ingest.camel.yaml). A closed batch is recorded in pipeline.batches at
     * once and PendingBatches retries it from there; recovery only redelivers a batch that closed but was not
     * recorded (a crash in between): recording it again is idempotent.
     */
    @BindToRegistry(lazy = true)
    public BatchCollectorRepository batchCollectorRepository(
            @BeanInject("transactionManager") DataSourceTransactionManager transactionManager,
            @BeanInject("dataSource") DataSource dataSource,
            @PropertyInject("pipeline.batch.retry-interval") Duration retryInterval) {
        BatchCollectorRepository collector = new BatchCollectorRepository(transactionManager, "batch_collector",
                dataSource);
        collector.setUseRecovery(true);
        collector.setRecoveryInterval(retryInterval.toMillis());
        return collector;
    }

    @BindToRegistry(lazy = true)
    public BatchStore batchStore(@BeanInject("dataSource") DataSource dataSource) {
        return new BatchStore(dataSource);
    }
}
