package io.tally.console;

import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/**
 * Every action an operator takes through the console, one line each on the {@code tally.console.audit} logger (JSON
 * in containers, so a log pipeline can keep it apart): who, what, on whom, with which idempotency key, and how it
 * ended. The service records the same operator with the change itself (an adjustment's ledger metadata names them).
 */
@ApplicationScoped
public class AuditLog {

    private static final Logger LOG = Logger.getLogger("tally.console.audit");

    public void record(Operator operator, String action, String target, String key, String outcome) {
        LOG.infof("operator=%s role=%s action=%s target=%s key=%s outcome=%s", operator.name(), operator.role(),
                action, target, key, outcome);
    }
}
