package io.tally.credits.ledger;

import io.smallrye.mutiny.Uni;
import io.tally.credits.ledger.AccountQueries.Account;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;

/** Accounts open on first sight: the first authenticated call of a user opens theirs, with its bonus. */
@ApplicationScoped
public class Accounts {

    private final AccountQueries queries;
    private final LedgerBatcher batcher;

    public Accounts(AccountQueries queries, LedgerBatcher batcher) {
        this.queries = queries;
        this.batcher = batcher;
    }

    public Uni<Account> openedAccount(String userId) {
        return queries.findAccount(userId).flatMap(found -> found.isPresent()
                ? Uni.createFrom().item(found.get())
                : batcher.submit(new LedgerOperation.OpenAccount(userId))
                        .invoke(opened -> {
                            if (!opened.succeeded()) {
                                throw new IllegalStateException("account " + userId + " could not be opened");
                            }
                        })
                        .flatMap(opened -> queries.findAccount(userId)).map(Optional::orElseThrow));
    }
}
