package io.tally.credits.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

@ConfigMapping(prefix = "tally.credits")
public interface CreditsConfig {

    /** Promotional credits every account receives when it opens (0 turns the bonus off); see {@link Promotions}. */
    @WithDefault("100")
    long signupBonus();

    /** Platform fee on gifts in basis points (3000 = 30 %); the fee is rounded down (docs/credits.md). */
    @WithDefault("3000")
    int giftFeeBps();

    Batching batching();

    Reconciliation reconciliation();

    Holds holds();

    Promotions promotions();

    interface Promotions {

        /** How long the signup bonus (a promotion of campaign {@code signup}) lasts before what is left expires. */
        @WithDefault("30d")
        Duration signupBonusLifetime();

        /** How often the expiry pass takes back what is left of promotions past their expiry. */
        @WithDefault("10s")
        Duration expiryEvery();

        /** Promotions expired per run (one ledger batch); a run goes on while there are more. */
        @WithDefault("200")
        int expiryBatchSize();
    }

    interface Holds {

        /** How often the expiry pass releases holds past their expiry. */
        @WithDefault("10s")
        Duration expiryEvery();

        /** Holds expired per run (one ledger batch); a run goes on while there are more. */
        @WithDefault("200")
        int expiryBatchSize();
    }

    interface Batching {

        /** Most operations committed in one transaction. */
        @WithDefault("200")
        int maxBatchSize();

        /**
         * Batches in flight at once; while they run, new requests queue up and form the next batch. One is the
         * default: fewer, larger batches measured better on both the spread and the hot benchmark
         * (docs/credits.md), because each batch costs a fixed few milliseconds.
         */
        @WithDefault("1")
        int maxConcurrentBatches();
    }

    interface Reconciliation {

        @WithDefault("1m")
        Duration every();

        /**
         * How far back the first periodic check of a process looks for changed accounts and new transactions;
         * later checks start where the previous one did, less {@link #overlap()}.
         */
        @WithDefault("15m")
        Duration lookback();

        /**
         * How far before the previous check's start the next one begins: longer than any ledger transaction lasts
         * (a transaction's rows carry the time it began, not when it committed) plus clock skew to the database.
         */
        @WithDefault("1m")
        Duration overlap();

        /**
         * How often a check reads every account and every transaction instead of the recent ones (the first check of
         * a process always does): it finds what the recent check cannot see, damage written by the schema's owner
         * with the triggers off, and the drift a restarted process no longer remembers.
         */
        @WithDefault("1h")
        Duration fullEvery();
    }
}
