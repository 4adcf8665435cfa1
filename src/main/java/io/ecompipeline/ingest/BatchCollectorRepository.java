package io.ecompipeline.ingest;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import javax.sql.DataSource;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.processor.aggregate.jdbc.JdbcAggregationRepository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * The batch collector's aggregation repository (the open batch in {@code batch_collector}, a closed batch in
 * {@code batch_collector_completed} until its completion is confirmed), confirming only what it stored.
 * <p>
 * A batch that its first arrival completes (a one-file wave of {@code ingest}, or a file that completes the set on
 * its own) is never written: Camel's aggregator completes it without adding it to the repository or moving it to the
 * completed table, yet still confirms it when it is done. {@link JdbcAggregationRepository} then finds no row to delete
 * and logs an ERROR ("DELETE statement did not return 1 but 0") for a batch that went well. Here a confirmation
 * deletes the completed row of a batch this repository moved there or recovered from there, and nothing else; a
 * confirmation that finds no row for such a batch is still Camel's ERROR.
 */
public class BatchCollectorRepository extends JdbcAggregationRepository {

    private static final Logger LOG = LoggerFactory.getLogger(BatchCollectorRepository.class);

    /** Exchange ids with a row in the completed table, written or recovered by this instance and not yet confirmed. */
    private final Set<String> completedRows = ConcurrentHashMap.newKeySet();

    public BatchCollectorRepository(PlatformTransactionManager transactionManager, String repositoryName,
            DataSource dataSource) {
        super(transactionManager, repositoryName, dataSource);
    }

    @Override
    public void remove(CamelContext camelContext, String correlationId, Exchange exchange) {
        super.remove(camelContext, correlationId, exchange);
        completedRows.add(exchange.getExchangeId());
    }

    @Override
    public Exchange recover(CamelContext camelContext, String exchangeId) {
        Exchange recovered = super.recover(camelContext, exchangeId);
        if (recovered != null) {
            completedRows.add(exchangeId);
        }
        return recovered;
    }

    @Override
    public void confirm(CamelContext camelContext, String exchangeId) {
        confirmWithResult(camelContext, exchangeId);
    }

    @Override
    public boolean confirmWithResult(CamelContext camelContext, String exchangeId) {
        if (!completedRows.remove(exchangeId)) {
            LOG.debug("Batch exchange {} completed on its first arrival: it was never stored, nothing to confirm",
                    exchangeId);
            return true;
        }
        return super.confirmWithResult(camelContext, exchangeId);
    }
}
