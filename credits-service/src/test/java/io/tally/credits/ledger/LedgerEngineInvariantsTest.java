package io.tally.credits.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tally.credits.ledger.LedgerOperation.Adjustment;
import io.tally.credits.ledger.LedgerOperation.CaptureHold;
import io.tally.credits.ledger.LedgerOperation.ExpireHold;
import io.tally.credits.ledger.LedgerOperation.Hold;
import io.tally.credits.ledger.LedgerOperation.JobHold;
import io.tally.credits.ledger.LedgerOperation.VoidHold;
import io.tally.credits.ledger.LedgerOperation.Charge;
import io.tally.credits.ledger.LedgerOperation.Clawback;
import io.tally.credits.ledger.LedgerOperation.DebtForgiveness;
import io.tally.credits.ledger.LedgerOperation.Gift;
import io.tally.credits.ledger.LedgerOperation.Grant;
import io.tally.credits.ledger.LedgerOperation.ExpirePromotion;
import io.tally.credits.ledger.LedgerOperation.Promotion;
import io.tally.credits.ledger.LedgerOperation.Refund;
import io.tally.credits.ledger.StoredOutcomes.StoredRejection;
import io.tally.credits.ledger.StoredOutcomes.StoredTransaction;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The ledger's invariants over random sequences of operations, with no database: {@link LedgerEngine} is driven the
 * way {@code LedgerBatchExecutor} drives it (accounts opened and locked, stored outcomes loaded, the inbox deciding
 * redelivered events), and what it posts is kept in memory. After every batch: no balance, earnings or debt below
 * zero, debt and a spendable balance never together, every transaction sums to zero, each cached balance equals
 * its entries, each entry's {@code balance_after} continues the one before, a refund never exceeds its charge nor a
 * clawback its grant; held never below zero and equal to the open holds, a hold settled at most once and its
 * captured and released parts adding up to it; the promotional book equal to what is left of the promotions, none
 * refilled after it expired nor expired twice. Then every applied operation is replayed: nothing moves.
 */
@Tag("unit")
class LedgerEngineInvariantsTest {

    private static final List<String> USERS = List.of("ada", "bo", "cy", "di", "ed");
    private static final List<GiftType> GIFTS = List.of(new GiftType("rose", "Rose", 1),
            new GiftType("heart", "Heart", 5), new GiftType("crown", "Crown", 100));

    @Test
    void randomHistoriesKeepEveryInvariant() {
        for (long seed = 1; seed <= 200; seed++) {
            new History(new Random(seed), seed).run(40);
        }
    }

    /** One random history: its ledger in memory and what it has done so far, to draw the next operation from. */
    private static final class History {

        private final Random random;
        private final long seed;
        private final LedgerEngine engine = new LedgerEngine(100, Duration.ofDays(30), 3000,
                new ObjectMapper().findAndRegisterModules());
        /** The database's clock, which decides whether a promotion is live: a minute passes per batch. */
        private OffsetDateTime databaseNow = OffsetDateTime.now(ZoneOffset.UTC);
        /** Every promotion granted so far, as the promotions table keeps it. */
        private final Map<UUID, PromotionLot> promotions = new HashMap<>();
        /** Every posting in the order it was written, for the gifts a buyer sent since a grant. */
        private final List<Posting> written = new ArrayList<>();
        /** What clawbacks attributed of each gift so far (gift_attributions). */
        private final Map<UUID, Long> attributed = new HashMap<>();
        private final Map<String, AccountState> accounts = new HashMap<>();
        private final Map<String, StoredTransaction> transactions = new HashMap<>();
        private final Map<UUID, StoredRejection> rejections = new HashMap<>();
        private final Set<String> inbox = new HashSet<>();
        /** Sum of the entries per user book ("ada/spendable") and per system account. */
        private final Map<String, Long> books = new HashMap<>();
        private final List<Charge> charges = new ArrayList<>();
        private final List<Grant> grants = new ArrayList<>();
        private final List<Hold> holds = new ArrayList<>();
        private final List<Promotion> granted = new ArrayList<>();
        private final List<Submitted> deliveredEvents = new ArrayList<>();
        private final List<Submitted> applied = new ArrayList<>();
        private int batches;

        History(Random random, long seed) {
            this.random = random;
            this.seed = seed;
        }

        void run(int batchCount) {
            for (int b = 0; b < batchCount; b++) {
                List<Submitted> batch = new ArrayList<>();
                int size = 1 + random.nextInt(8);
                for (int i = 0; i < size; i++) {
                    batch.add(next());
                }
                List<OperationResult> results = execute(batch);
                for (int i = 0; i < batch.size(); i++) {
                    if (results.get(i).status() == OperationResult.Status.APPLIED) {
                        applied.add(batch.get(i));
                    }
                }
                checkInvariants();
            }
            replayingEverythingAppliedMovesNothing();
        }

        private Submitted next() {
            String user = pick(USERS);
            int kind = random.nextInt(15);
            if (kind == 0 && !deliveredEvents.isEmpty()) {
                return pick(deliveredEvents); // Kafka delivers an event again
            }
            LedgerOperation op = switch (kind) {
                case 1, 2 -> {
                    Charge charge = new Charge(UUID.randomUUID(), user, 1 + random.nextInt(60));
                    charges.add(charge);
                    yield charge;
                }
                case 3 -> {
                    if (random.nextBoolean() && !holds.isEmpty()) {
                        // An operator refunds a job that held its price: the hold's capture, if there was one, comes
                        // back (the hold id is the job id); an uncaptured hold has nothing to refund.
                        Hold held = pick(holds);
                        Long amount = random.nextBoolean() ? null : (long) 1 + random.nextInt((int) held.amount() + 5);
                        yield new Refund(random.nextInt(8) == 0 ? UUID.randomUUID() : held.holdId(),
                                random.nextInt(8) == 0 ? pick(USERS) : held.userId(), amount, "unusable result",
                                random.nextBoolean() ? "ops-admin" : null);
                    }
                    Charge charged = charges.isEmpty() ? new Charge(UUID.randomUUID(), user, 10) : pick(charges);
                    Long amount = random.nextBoolean() ? null : (long) 1 + random.nextInt((int) charged.amount() + 5);
                    // Sometimes the wrong user, sometimes a job never charged: both must be refused.
                    yield new Refund(random.nextInt(8) == 0 ? UUID.randomUUID() : charged.jobId(),
                            random.nextInt(8) == 0 ? pick(USERS) : charged.userId(), amount, "failed");
                }
                case 4 -> {
                    Grant grant = new Grant(UUID.randomUUID(), user, 1 + random.nextInt(200), 1);
                    grants.add(grant);
                    yield grant;
                }
                case 5 -> {
                    Grant granted = grants.isEmpty() ? new Grant(UUID.randomUUID(), user, 10, 1) : pick(grants);
                    yield new Clawback(granted.paymentId(), random.nextInt(8) == 0 ? pick(USERS) : granted.userId(),
                            1 + random.nextInt((int) granted.credits() + 5), "refunded", 1);
                }
                case 6, 7 -> new Gift(user, pick(USERS), pick(GIFTS), 1 + random.nextInt(3), null,
                        UUID.randomUUID().toString());
                case 8 -> {
                    long amount = random.nextInt(120) - 60;
                    yield new Adjustment(user, amount == 0 ? 1 : amount, "support", "admin", UUID.randomUUID().toString());
                }
                case 9 -> new DebtForgiveness(user, 1 + random.nextInt(30), "goodwill", "admin",
                        UUID.randomUUID().toString());
                case 10 -> {
                    // Some holds are already past their expiry when placed, so the expiry can settle them.
                    OffsetDateTime expiresAt = OffsetDateTime.now(ZoneOffset.UTC)
                            .plusMinutes(random.nextBoolean() ? -1 : 60);
                    long amount = 1 + random.nextInt(60);
                    if (random.nextBoolean()) {
                        // A job's hold: refused like a charge (and remembered), otherwise an ordinary hold.
                        JobHold jobHold = new JobHold(UUID.randomUUID(), user, amount, expiresAt);
                        holds.add(jobHold.asHold());
                        yield jobHold;
                    }
                    Hold hold = new Hold(UUID.randomUUID(), user, amount, "job", expiresAt);
                    holds.add(hold);
                    yield hold;
                }
                case 13 -> {
                    // Some expire a few batches from now, some later than the history lasts.
                    Promotion promotion = new Promotion(user, "campaign-" + random.nextInt(6), 1 + random.nextInt(80),
                            OffsetDateTime.now(ZoneOffset.UTC).plusMinutes(1 + random.nextInt(60)));
                    granted.add(promotion);
                    yield promotion;
                }
                case 14 -> {
                    Promotion promotion = granted.isEmpty() ? new Promotion(user, "none", 1,
                            OffsetDateTime.now(ZoneOffset.UTC)) : pick(granted);
                    // Often not expired yet, or already expired, or nothing left: all must be refused.
                    yield new ExpirePromotion(promotion.promotionId(), promotion.userId());
                }
                default -> {
                    Hold hold = holds.isEmpty() ? new Hold(UUID.randomUUID(), user, 10, "job",
                            OffsetDateTime.now(ZoneOffset.UTC)) : pick(holds);
                    // Sometimes the wrong user or a hold that does not exist: both must be refused.
                    UUID id = random.nextInt(8) == 0 ? UUID.randomUUID() : hold.holdId();
                    String owner = random.nextInt(8) == 0 ? pick(USERS) : hold.userId();
                    yield switch (random.nextInt(3)) {
                        case 0 -> new CaptureHold(id, owner, random.nextBoolean() ? null
                                : (long) random.nextInt((int) hold.amount() + 5));
                        case 1 -> new VoidHold(id, owner, "failed");
                        default -> new ExpireHold(id, owner);
                    };
                }
            };
            if (random.nextBoolean() && !(op instanceof Gift || op instanceof Adjustment || op instanceof DebtForgiveness
                    || op instanceof Promotion || op instanceof ExpirePromotion)) {
                Submitted event = Submitted.fromEvent(op, UUID.randomUUID().toString(), "test", null);
                deliveredEvents.add(event);
                return event;
            }
            return new Submitted(op, null, null, false, null);
        }

        /** What LedgerBatchExecutor does around the engine, with the database replaced by this history's maps. */
        private List<OperationResult> execute(List<Submitted> batch) {
            batches++;
            Set<String> opened = new TreeSet<>();
            Set<Integer> duplicates = new HashSet<>();
            for (int i = 0; i < batch.size(); i++) {
                Submitted submitted = batch.get(i);
                for (String user : submitted.operation().userIds()) {
                    if (!accounts.containsKey(user)) {
                        accounts.put(user, new AccountState(user));
                        opened.add(user);
                    }
                }
                if (submitted.inboxEventId() != null && !inbox.add(submitted.inboxEventId())) {
                    duplicates.add(i);
                }
            }
            databaseNow = databaseNow.plusMinutes(1);
            accounts.values().forEach(this::loadPromotions);
            Map<String, List<SpentGift>> giftsSinceGrant = new HashMap<>();
            batch.stream().map(Submitted::operation).filter(op -> op instanceof Clawback).map(op -> (Clawback) op)
                    .forEach(clawback -> giftsSinceGrant.put(clawback.key(), giftsSince(clawback)));
            LedgerEngine.BatchPlan plan = engine.plan(batch, duplicates, accounts, opened,
                    new StoredOutcomes(Map.copyOf(transactions), Map.copyOf(rejections), giftsSinceGrant));
            plan.attributions.forEach(a -> attributed.merge(a.giftId(), a.part(), Long::sum));
            written.addAll(plan.postings);
            accounts.values().forEach(account -> account.lots.stream().filter(lot -> lot.changed)
                    .forEach(lot -> promotions.put(lot.id, lot)));
            for (Posting posting : plan.postings) {
                assertThat(transactions).as(where("a key posted twice: " + posting.key)).doesNotContainKey(posting.key);
                assertThat(posting.sum()).as(where("transaction sums to zero")).isZero();
                transactions.put(posting.key, new StoredTransaction(posting.key, posting.fingerprint, posting.result));
                for (Posting.Entry entry : posting.entries) {
                    String book = entry.userId() != null ? entry.userId() + "/" + entry.book() : entry.systemAccount();
                    long after = books.merge(book, entry.amount(), Long::sum);
                    if (entry.userId() != null) {
                        // balance_after continues the book: the debt book holds minus the debt.
                        assertThat(entry.balanceAfter()).as(where("balance_after of " + book + " in " + posting.key))
                                .isEqualTo(after);
                    }
                }
            }
            plan.newRejections.forEach(rejection -> rejections.put(rejection.jobId(), rejection));
            assertThat(plan.results).hasSize(batch.size());
            return plan.results;
        }

        /** What LedgerRepository's GIFTS_SINCE_GRANT gives a clawback: its buyer's gifts after the grant, oldest first. */
        private List<SpentGift> giftsSince(Clawback clawback) {
            List<SpentGift> gifts = new ArrayList<>();
            boolean granted = false;
            for (Posting posting : written) {
                if (posting.key.equals(clawback.undoneKey())) {
                    granted = true;
                } else if (granted && posting.kind.equals("gift") && posting.userId.equals(clawback.userId())) {
                    UUID giftId = UUID.fromString(posting.reference);
                    gifts.add(new SpentGift(giftId, (String) posting.result.get("recipientId"),
                            ((Number) posting.result.get("cost")).longValue(),
                            ((Number) posting.result.get("recipientAmount")).longValue(),
                            attributed.getOrDefault(giftId, 0L)));
                }
            }
            return gifts;
        }

        /** What LedgerRepository's LOAD_PROMOTIONS gives a batch: lots live or still to expire, by the database's clock. */
        private void loadPromotions(AccountState account) {
            account.lots.clear();
            promotions.values().stream()
                    .filter(lot -> lot.userId.equals(account.userId))
                    .filter(lot -> lot.remaining > 0 || lot.expiresAt.isAfter(databaseNow))
                    .sorted(Comparator.comparing((PromotionLot lot) -> lot.expiresAt).thenComparing(lot -> lot.id))
                    .forEach(lot -> {
                        PromotionLot loaded = new PromotionLot(lot.id, lot.userId, lot.campaign, lot.amount,
                                lot.remaining, lot.expiresAt, lot.expiresAt.isAfter(databaseNow));
                        loaded.expired = lot.expired;
                        loaded.expiredAt = lot.expiredAt;
                        account.lots.add(loaded);
                    });
        }

        private void checkInvariants() {
            long everything = books.values().stream().mapToLong(Long::longValue).sum();
            assertThat(everything).as(where("all books together")).isZero();
            for (AccountState account : accounts.values()) {
                String user = account.userId;
                assertThat(account.balance).as(where(user + " balance")).isNotNegative();
                assertThat(account.earnings).as(where(user + " earnings")).isNotNegative();
                assertThat(account.debt).as(where(user + " debt")).isNotNegative();
                assertThat(account.debt > 0 && account.balance > 0).as(where(user + " in debt with credits")).isFalse();
                assertThat(account.promotional).as(where(user + " promotional")).isNotNegative();
                assertThat(account.promotional).as(where(user + " promotional = its entries"))
                        .isEqualTo(books.getOrDefault(user + "/promotional", 0L));
                assertThat(account.promotional).as(where(user + " promotional = what is left of its promotions"))
                        .isEqualTo(promotions.values().stream().filter(lot -> lot.userId.equals(user))
                                .mapToLong(lot -> lot.remaining).sum());
                assertThat(account.balance).as(where(user + " balance = its entries"))
                        .isEqualTo(books.getOrDefault(user + "/spendable", 0L));
                assertThat(account.frozen).as(where(user + " frozen")).isNotNegative();
                assertThat(account.frozen).as(where(user + " frozen = its entries"))
                        .isEqualTo(books.getOrDefault(user + "/frozen", 0L));
                assertThat(account.earnings).as(where(user + " earnings = its entries"))
                        .isEqualTo(books.getOrDefault(user + "/earnings", 0L));
                assertThat(-account.debt).as(where(user + " debt = its entries"))
                        .isEqualTo(books.getOrDefault(user + "/debt", 0L));
                assertThat(account.held).as(where(user + " held")).isNotNegative();
                assertThat(account.held).as(where(user + " held = its entries"))
                        .isEqualTo(books.getOrDefault(user + "/held", 0L));
                long open = holds.stream().filter(h -> h.userId().equals(user))
                        .filter(h -> transactions.containsKey(h.key()))
                        .filter(h -> !transactions.containsKey(h.key() + ":settle"))
                        .mapToLong(Hold::amount).sum();
                assertThat(account.held).as(where(user + " held = its open holds")).isEqualTo(open);
            }
            for (Hold hold : holds) {
                StoredTransaction settled = transactions.get(hold.key() + ":settle");
                if (settled != null) {
                    assertThat(transactions).as(where("a settlement without its hold")).containsKey(hold.key());
                    long captured = ((Number) settled.result().getOrDefault("captured", 0)).longValue();
                    long released = ((Number) settled.result().get("released")).longValue();
                    assertThat(captured + released).as(where("captured + released = the hold"))
                            .isEqualTo(hold.amount());
                }
            }
            for (PromotionLot lot : promotions.values()) {
                assertThat(lot.remaining + lot.expired).as(where("promotion " + lot.id + " never grows"))
                        .isBetween(0L, lot.amount);
                if (lot.expiredAt != null) {
                    assertThat(lot.remaining).as(where("an expired promotion refilled")).isZero();
                    assertThat(((Number) transactions.get("promotion:" + lot.id + ":expiry").result().get("expired"))
                            .longValue()).as(where("expiry = what was left")).isEqualTo(lot.expired);
                }
            }
            for (Charge charge : charges) {
                StoredTransaction refund = transactions.get("job:" + charge.jobId() + ":refund");
                if (refund != null) {
                    assertThat(transactions).as(where("a refund without its charge")).containsKey(charge.key());
                    assertThat(((Number) refund.result().get("amount")).longValue()).as(where("refund ≤ charge"))
                            .isLessThanOrEqualTo(charge.amount());
                }
            }
            for (Hold hold : holds) {
                StoredTransaction refund = transactions.get("job:" + hold.holdId() + ":refund");
                if (refund != null) {
                    StoredTransaction settled = transactions.get(hold.key() + ":settle");
                    assertThat(settled).as(where("a hold's refund without its capture")).isNotNull();
                    assertThat(settled.result().get("status")).as(where("a refunded hold was captured"))
                            .isEqualTo("captured");
                    assertThat(((Number) refund.result().get("amount")).longValue()).as(where("refund ≤ capture"))
                            .isLessThanOrEqualTo(((Number) settled.result().get("captured")).longValue());
                }
            }
            for (Grant grant : grants) {
                StoredTransaction clawback = transactions.get("payment:" + grant.paymentId() + ":clawback");
                if (clawback != null) {
                    assertThat(((Number) clawback.result().get("credits")).longValue()).as(where("clawback ≤ grant"))
                            .isLessThanOrEqualTo(grant.credits());
                    Map<String, Object> r = clawback.result();
                    assertThat(Stream.of("takenFromBalance", "frozenEarnings", "feesReversed", "addedToDebt")
                            .mapToLong(part -> ((Number) r.get(part)).longValue()).sum())
                            .as(where("taken + frozen + fees + debt = the clawback"))
                            .isEqualTo(((Number) r.get("credits")).longValue());
                }
            }
        }

        /** Every applied operation again, from the API and as a new delivery of its event: nothing moves. */
        private void replayingEverythingAppliedMovesNothing() {
            Map<String, Long> before = new HashMap<>(books);
            List<Submitted> again = new ArrayList<>();
            for (Submitted submitted : applied) {
                again.add(new Submitted(submitted.operation(), null, null, false, null));
                again.add(Submitted.fromEvent(submitted.operation(), UUID.randomUUID().toString(), "test", null));
            }
            List<OperationResult> results = execute(again);
            assertThat(results).as(where("replays")).allSatisfy(result ->
                    assertThat(result.status()).isEqualTo(OperationResult.Status.REPLAYED));
            assertThat(books).as(where("books after the replays")).isEqualTo(before);
            checkInvariants();
        }

        private <T> T pick(List<T> from) {
            return from.get(random.nextInt(from.size()));
        }

        private String where(String what) {
            return what + " (seed " + seed + ", batch " + batches + ")";
        }
    }
}
