package io.tally.credits.ledger;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tally.common.events.TallyEvent;
import io.tally.common.outbox.OutgoingEvent;
import io.tally.common.events.credits.ChargeRejected;
import io.tally.common.events.credits.CreditsCharged;
import io.tally.common.events.credits.CreditsClawedBack;
import io.tally.common.events.credits.CreditsGranted;
import io.tally.common.events.credits.CreditsRefunded;
import io.tally.common.events.credits.CreditsHeld;
import io.tally.common.events.credits.EarningsFrozen;
import io.tally.common.events.credits.GiftSent;
import io.tally.common.events.credits.HoldCaptured;
import io.tally.common.events.credits.HoldExpired;
import io.tally.common.events.credits.HoldSettlementRefused;
import io.tally.common.events.credits.HoldVoided;
import io.tally.common.events.credits.PromotionExpired;
import io.tally.common.events.credits.PromotionGranted;
import io.tally.common.events.credits.RefundRejected;
import io.tally.common.problem.Problem;
import io.tally.credits.ledger.LedgerOperation.Adjustment;
import io.tally.credits.ledger.LedgerOperation.CaptureHold;
import io.tally.credits.ledger.LedgerOperation.ExpireHold;
import io.tally.credits.ledger.LedgerOperation.Hold;
import io.tally.credits.ledger.LedgerOperation.HoldSettlement;
import io.tally.credits.ledger.LedgerOperation.JobHold;
import io.tally.credits.ledger.LedgerOperation.VoidHold;
import io.tally.credits.ledger.LedgerOperation.Charge;
import io.tally.credits.ledger.LedgerOperation.Clawback;
import io.tally.credits.ledger.LedgerOperation.DebtForgiveness;
import io.tally.credits.ledger.LedgerOperation.Gift;
import io.tally.credits.ledger.LedgerOperation.Grant;
import io.tally.credits.ledger.LedgerOperation.OpenAccount;
import io.tally.credits.ledger.LedgerOperation.ExpirePromotion;
import io.tally.credits.ledger.LedgerOperation.Promotion;
import io.tally.credits.ledger.LedgerOperation.Refund;
import io.tally.credits.ledger.Draws.Draw;
import io.tally.credits.ledger.Draws.Returned;
import io.tally.credits.ledger.StoredOutcomes.StoredRejection;
import io.tally.credits.ledger.StoredOutcomes.StoredTransaction;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The rules of the ledger, applied in memory to accounts the batch has locked. Operations are applied in
 * order, so a grant followed by a charge of the same user sees the granted credits. Nothing here touches the
 * database: the executor loads the state, calls {@link #plan}, and writes the plan.
 */
public final class LedgerEngine {

    static final Map<String, Object> NO_METADATA = Map.of();
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };

    /** The campaign of the promotion every new account receives. */
    public static final String SIGNUP_CAMPAIGN = "signup";

    private final long signupBonus;
    private final Duration signupBonusLifetime;
    private final int giftFeeBps;
    private final ObjectMapper json;

    public LedgerEngine(long signupBonus, Duration signupBonusLifetime, int giftFeeBps, ObjectMapper json) {
        this.signupBonus = signupBonus;
        this.signupBonusLifetime = signupBonusLifetime;
        this.giftFeeBps = giftFeeBps;
        this.json = json.copy().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    }

    /**
     * The platform's share of a gift: {@code floor(cost × bps / 10 000)}. Rounding down favours the recipient,
     * and the recipient's part is {@code cost − fee}, so the two always add up to the cost.
     */
    public static long giftFee(long cost, int feeBps) {
        return Math.multiplyExact(cost, (long) feeBps) / 10_000;
    }

    /**
     * @param duplicateEvents positions in {@code batch} whose event was applied before: they change nothing
     */
    BatchPlan plan(List<Submitted> batch, Set<Integer> duplicateEvents, Map<String, AccountState> accounts,
                   Set<String> openedUsers, StoredOutcomes stored) {
        BatchPlan plan = new BatchPlan(stored);
        openedUsers.stream().sorted().forEach(user -> openAccount(plan, accounts.get(user)));
        for (int i = 0; i < batch.size(); i++) {
            plan.decidingFor(batch.get(i));
            plan.results.add(duplicateEvents.contains(i)
                    ? OperationResult.duplicateEvent()
                    : apply(plan, batch.get(i), accounts));
        }
        return plan;
    }

    private OperationResult apply(BatchPlan plan, Submitted submitted, Map<String, AccountState> accounts) {
        LedgerOperation op = submitted.operation();
        if (op instanceof OpenAccount) {
            return OperationResult.applied(Map.of("userId", ((OpenAccount) op).userId()));
        }
        StoredTransaction previous = plan.known.get(op.key());
        if (previous != null) {
            if (op instanceof HoldSettlement settlement && !previous.fingerprint().equals(op.fingerprint())) {
                return alreadySettled(plan, submitted, settlement, previous);
            }
            return replay(plan, submitted, previous, accounts);
        }
        if (op instanceof Charge charge) {
            return charge(plan, submitted, charge, accounts.get(charge.userId()));
        } else if (op instanceof Refund refund) {
            return refund(plan, submitted, refund, accounts.get(refund.userId()));
        } else if (op instanceof Grant grant) {
            return grant(plan, grant, accounts.get(grant.userId()));
        } else if (op instanceof Clawback clawback) {
            return clawback(plan, clawback, accounts.get(clawback.userId()), accounts);
        } else if (op instanceof Gift gift) {
            return gift(plan, gift, accounts.get(gift.senderId()), accounts.get(gift.recipientId()));
        } else if (op instanceof Adjustment adjustment) {
            return adjust(plan, adjustment, accounts.get(adjustment.userId()));
        } else if (op instanceof DebtForgiveness forgiveness) {
            return forgive(plan, forgiveness, accounts.get(forgiveness.userId()));
        } else if (op instanceof Hold hold) {
            return hold(plan, hold, accounts.get(hold.userId()));
        } else if (op instanceof JobHold jobHold) {
            return jobHold(plan, submitted, jobHold, accounts.get(jobHold.userId()));
        } else if (op instanceof HoldSettlement settlement) {
            return settle(plan, submitted, settlement, accounts.get(settlement.userId()));
        } else if (op instanceof Promotion promotion) {
            return promote(plan, promotion, accounts.get(promotion.userId()));
        } else if (op instanceof ExpirePromotion expiry) {
            return expire(plan, expiry, accounts.get(expiry.userId()));
        }
        throw new IllegalArgumentException("unknown operation " + op);
    }

    /** The signup bonus is a promotion of campaign {@code signup}: spent first, and it expires. */
    private void openAccount(BatchPlan plan, AccountState account) {
        if (signupBonus <= 0) {
            return;
        }
        Promotion bonus = new Promotion(account.userId, SIGNUP_CAMPAIGN, signupBonus,
                plan.now.plus(signupBonusLifetime));
        String key = "account:" + account.userId + ":signup-bonus";
        plan.post(grantPromotion(plan, bonus, account, new Posting("signup_bonus", key, account.userId,
                account.userId, account.userId, NO_METADATA, null)));
    }

    /** Grants promotional credits of a campaign, once per user; refused if the expiry is already past. */
    private OperationResult promote(BatchPlan plan, Promotion promotion, AccountState account) {
        if (SIGNUP_CAMPAIGN.equals(promotion.campaign())) {
            return OperationResult.refused(Problem.of(422, "reserved-campaign", "Reserved campaign",
                    "Campaign '" + SIGNUP_CAMPAIGN + "' is the signup bonus every account receives when it opens"));
        }
        if (!promotion.expiresAt().isAfter(plan.now)) {
            return OperationResult.refused(Problem.of(422, "promotion-expired", "Promotion already expired",
                    "A promotion expiring at " + promotion.expiresAt() + " would expire before it is granted"));
        }
        Posting posting = grantPromotion(plan, promotion, account, new Posting("promotion", promotion.key(),
                promotion.campaign(), promotion.userId(), promotion.fingerprint(),
                metadata("campaign", promotion.campaign()), null));
        return plan.apply(posting, json.convertValue(posting.result, PromotionGranted.class));
    }

    /** The promotion's lot and its entries, with the {@link PromotionGranted} body as the posting's result. */
    private Posting grantPromotion(BatchPlan plan, Promotion promotion, AccountState account, Posting posting) {
        PromotionLot lot = new PromotionLot(promotion.promotionId(), promotion.userId(), promotion.campaign(),
                promotion.amount(), promotion.amount(), promotion.expiresAt(), true);
        lot.changed = true;
        account.lots.add(lot);
        account.lots.sort(java.util.Comparator.comparing((PromotionLot l) -> l.expiresAt).thenComparing(l -> l.id));
        account.promotional += promotion.amount();
        account.changed = true;
        PromotionGranted event = new PromotionGranted(lot.id, promotion.userId(), promotion.campaign(),
                promotion.amount(), promotion.expiresAt(), account.promotional, account.available(), posting.id);
        return posting.withResult(bodyOf(event))
                .user(promotion.userId(), "promotional", promotion.amount(), account.promotional)
                .system("bonus", -promotion.amount());
    }

    /** What is left of a promotion past its expiry goes back to the bonus account; a promotion expires once. */
    private OperationResult expire(BatchPlan plan, ExpirePromotion expiry, AccountState account) {
        PromotionLot lot = account.lot(expiry.promotionId());
        if (lot == null || lot.remaining == 0) {
            return OperationResult.refused(Problem.of(409, "nothing-to-expire", "Nothing left to expire",
                    "Promotion " + expiry.promotionId() + " has no credits left to expire"));
        }
        if (lot.live) {
            return OperationResult.refused(Problem.of(409, "promotion-not-expired", "Promotion not expired",
                    "Promotion " + lot.id + " expires at " + lot.expiresAt));
        }
        long expired = lot.remaining;
        lot.expired = expired;
        lot.remaining = 0;
        lot.expiredAt = plan.now;
        lot.changed = true;
        account.promotional -= expired;
        account.changed = true;
        Posting posting = new Posting("promotion_expiry", expiry.key(), lot.campaign, expiry.userId(),
                expiry.fingerprint(), metadata("campaign", lot.campaign), null);
        PromotionExpired event = new PromotionExpired(lot.id, lot.userId, lot.campaign, expired, account.promotional,
                account.available(), posting.id);
        return plan.apply(posting.withResult(bodyOf(event))
                .user(lot.userId, "promotional", -expired, account.promotional)
                .system("bonus", expired), event);
    }

    private OperationResult charge(BatchPlan plan, Submitted submitted, Charge charge, AccountState account) {
        OperationResult refused = refuseJob(plan, submitted, charge.jobId(), charge.userId(), charge.amount(), account);
        if (refused != null) {
            return refused;
        }
        List<Draw> draws = Draws.take(account, charge.amount());
        long promotional = Draws.promotional(draws);
        account.spent += charge.amount();
        Posting posting = new Posting("charge", charge.key(), charge.jobId().toString(), charge.userId(),
                charge.fingerprint(), metadata("caller", charge.metadata()), null);
        CreditsCharged event = new CreditsCharged(charge.jobId(), charge.userId(), charge.amount(),
                account.available(), posting.id, charge.metadata());
        Map<String, Object> body = new LinkedHashMap<>(bodyOf(event));
        Draws.record(body, draws);
        return plan.apply(posting.withResult(body)
                .user(charge.userId(), "promotional", -promotional, account.promotional)
                .user(charge.userId(), "spendable", promotional - charge.amount(), account.balance)
                .system("spend", charge.amount()), event);
    }

    /**
     * A job's charge or hold is refused when an earlier request for the job was (the job ended REJECTED then, whatever
     * the balance is now), or when the account is in debt or short of {@code amount}. The refusal is remembered and
     * answered with ChargeRejected; null when the job may go on.
     */
    private OperationResult refuseJob(BatchPlan plan, Submitted submitted, UUID jobId, String userId, long amount,
                                      AccountState account) {
        StoredRejection rejected = plan.rejections.get(jobId);
        if (rejected != null) {
            if (rejected.amount() != amount || !rejected.userId().equals(userId)) {
                return conflict(plan, submitted, account);
            }
            if (submitted.announceReplay()) {
                plan.emit(new ChargeRejected(jobId, userId, rejected.needed(), rejected.available(), rejected.reason()));
            }
            return OperationResult.refused(chargeRefusal(rejected.reason(), rejected.needed(), rejected.available(),
                    account.debt));
        }
        long available = account.available();
        if (account.debt == 0 && available >= amount) {
            return null;
        }
        String reason = account.debt > 0 ? "account_in_debt" : "insufficient_credits";
        StoredRejection rejection = new StoredRejection(jobId, userId, amount, amount, available, reason);
        plan.rejections.put(jobId, rejection);
        plan.newRejections.add(rejection);
        plan.emit(new ChargeRejected(jobId, userId, amount, available, reason));
        return OperationResult.refused(chargeRefusal(reason, amount, available, account.debt));
    }

    /** A job reserves its price: refused on the saga's terms ({@link #refuseJob}), otherwise an ordinary hold. */
    private OperationResult jobHold(BatchPlan plan, Submitted submitted, JobHold jobHold, AccountState account) {
        OperationResult refused = refuseJob(plan, submitted, jobHold.jobId(), jobHold.userId(), jobHold.amount(),
                account);
        return refused != null ? refused : hold(plan, jobHold.asHold(), account);
    }

    /** What a job spent: who paid, how much, and from which promotions (the rest came from the spendable book). */
    private record Spend(String userId, long amount, List<Draws.Draw> draws) {
    }

    /**
     * The job's spend a refund gives back: its charge, or the capture of the hold it placed (the captured part is the
     * start of the hold's draws: the released rest went back from the end). Null when it spent nothing.
     */
    private Spend spendOf(BatchPlan plan, Refund refund) {
        StoredTransaction charged = plan.known.get(refund.undoneKey());
        if (charged != null) {
            Map<String, Object> charge = charged.result();
            return new Spend((String) charge.get("userId"), ((Number) charge.get("amount")).longValue(),
                    Draws.of(charge));
        }
        StoredTransaction placed = plan.known.get(LedgerOperation.holdKey(refund.jobId()));
        StoredTransaction settled = plan.known.get(LedgerOperation.settlementKey(refund.jobId()));
        if (placed == null || settled == null || !HoldRow.CAPTURED.equals(settled.result().get("status"))) {
            return null;
        }
        long captured = ((Number) settled.result().get("captured")).longValue();
        if (captured == 0) {
            return null;
        }
        return new Spend((String) placed.result().get("userId"), captured,
                Draws.first(Draws.of(placed.result()), captured));
    }

    private OperationResult refund(BatchPlan plan, Submitted submitted, Refund refund, AccountState account) {
        Spend spend = spendOf(plan, refund);
        if (spend == null) {
            return refuseRefund(plan, submitted, "no_charge", Problem.of(422, "no-charge-to-refund", "Nothing to refund",
                    "Job " + refund.jobId() + " was never charged, so there is nothing to refund"));
        }
        if (!refund.userId().equals(spend.userId())) {
            return refuseRefund(plan, submitted, "wrong_user", Problem.of(422, "wrong-user", "Wrong user",
                    "Job " + refund.jobId() + " was charged to another user"));
        }
        long chargedAmount = spend.amount();
        long amount = refund.amount() == null ? chargedAmount : refund.amount();
        if (amount > chargedAmount) {
            return refuseRefund(plan, submitted, "exceeds_charge", Problem.of(422, "refund-exceeds-charge",
                    "Refund exceeds the charge",
                    "Job " + refund.jobId() + " was charged " + chargedAmount + " credits; cannot refund " + amount)
                    .with("charged", chargedAmount));
        }
        Returned back = Draws.giveBack(account, spend.draws(), chargedAmount, amount);
        account.spent -= amount;
        Posting posting = new Posting("refund", refund.key(), refund.jobId().toString(), refund.userId(),
                refund.fingerprint(), metadata("reason", refund.reason(), "adminId", refund.adminId()), null)
                .user(refund.userId(), "spendable", back.spendable(), account.balance)
                .user(refund.userId(), "promotional", back.promotional(), account.promotional)
                .system("bonus", back.expired())
                .system("spend", -amount);
        long repaid = repayableDebt(account);
        CreditsRefunded event = new CreditsRefunded(refund.jobId(), refund.userId(), amount,
                account.available() - repaid, posting.id);
        OperationResult result = plan.apply(posting.withResult(bodyOf(event)), event);
        repayDebt(plan, account, repaid, refund.key() + ":debt-repayment", refund.jobId().toString(),
                refund.fingerprint());
        return result;
    }

    /** A refund asked for by an event is answered, so the saga stops asking; the API caller gets the problem. */
    private OperationResult refuseRefund(BatchPlan plan, Submitted submitted, String reason, Problem problem) {
        if (submitted.announceReplay()) {
            Refund refund = (Refund) submitted.operation();
            plan.emit(new RefundRejected(refund.jobId(), refund.userId(), reason, problem.detail()));
        }
        return OperationResult.refused(problem.with("reason", reason));
    }

    private OperationResult grant(BatchPlan plan, Grant grant, AccountState account) {
        account.balance += grant.credits();
        account.purchased += grant.credits();
        account.changed = true;
        Posting purchase = new Posting("purchase", grant.key(), grant.paymentId().toString(), grant.userId(),
                grant.fingerprint(), NO_METADATA, null)
                .user(grant.userId(), "spendable", grant.credits(), account.balance)
                .system("purchases", -grant.credits());
        long repaid = repayableDebt(account);
        CreditsGranted event = new CreditsGranted(grant.paymentId(), grant.userId(), grant.credits(), repaid,
                account.available() - repaid, purchase.id, grant.cycle());
        OperationResult result = plan.apply(purchase.withResult(bodyOf(event)), event);
        repayDebt(plan, account, repaid, grant.debtRepaymentKey(), grant.paymentId().toString(), grant.fingerprint());
        return result;
    }

    /**
     * A clawback takes back only what its grant gave: the grant of the same payment and cycle must exist, for the
     * same user, and be at least as large. Anything else is a payments bug or a replay gone wrong, and would put
     * a user in debt for credits they never had.
     */
    private OperationResult clawback(BatchPlan plan, Clawback clawback, AccountState account,
                                     Map<String, AccountState> accounts) {
        StoredTransaction grant = plan.known.get(clawback.undoneKey());
        if (grant == null) {
            return OperationResult.refused(Problem.of(422, "no-grant-to-claw-back", "Nothing to claw back",
                    "Payment " + clawback.paymentId() + " (cycle " + clawback.cycle() + ") was never granted"));
        }
        if (!clawback.userId().equals(grant.result().get("userId"))) {
            return OperationResult.refused(Problem.of(422, "wrong-user", "Wrong user",
                    "Payment " + clawback.paymentId() + " was granted to another user"));
        }
        long granted = ((Number) grant.result().get("credits")).longValue();
        if (clawback.credits() > granted) {
            return OperationResult.refused(Problem.of(422, "clawback-exceeds-grant", "Clawback exceeds the grant",
                    "Payment " + clawback.paymentId() + " granted " + granted + " credits; cannot claw back "
                            + clawback.credits()).with("granted", granted));
        }
        long taken = Math.min(account.balance, clawback.credits());
        account.balance -= taken;
        account.changed = true;
        Posting posting = new Posting("clawback", clawback.key(), clawback.paymentId().toString(), clawback.userId(),
                clawback.fingerprint(), metadata("reason", clawback.reason()), null);
        CoinsFollowed followed = followCoins(plan, clawback, clawback.credits() - taken, accounts);
        long shortfall = followed.unrecovered();
        account.debt += shortfall;
        CreditsClawedBack event = new CreditsClawedBack(clawback.paymentId(), clawback.userId(), clawback.credits(),
                taken, shortfall, account.available(), account.debt, posting.id, clawback.cycle(), followed.frozen(),
                followed.feesReversed());
        posting.withResult(bodyOf(event))
                .user(clawback.userId(), "spendable", -taken, account.balance)
                .user(clawback.userId(), "debt", -shortfall, -account.debt);
        followed.frozenBy().forEach((recipientId, frozen) -> {
            AccountState recipient = accounts.get(recipientId);
            posting.user(recipientId, "earnings", -frozen, recipient.earnings)
                    .user(recipientId, "frozen", frozen, recipient.frozen);
            plan.emit(new EarningsFrozen(recipientId, clawback.paymentId(), clawback.userId(), frozen,
                    recipient.earnings, recipient.frozen, posting.id));
        });
        return plan.apply(posting
                .system("platform_revenue", -followed.feesReversed())
                .system("purchases", clawback.credits() - followed.frozen()), event);
    }

    /** What following a reversed purchase's coins into gifts recovered, and what it could not. */
    private record CoinsFollowed(Map<String, Long> frozenBy, long frozen, long feesReversed, long unrecovered) {
    }

    /**
     * The part of a reversed purchase its buyer no longer holds ({@code missing}) went into what they did since the
     * grant. Gifts sent since, oldest first, are taken to be made of it, each up to what earlier clawbacks did not
     * already claim: of each part, the recipient's share of it is frozen (as far as their earnings go) and the
     * platform's fee on it reversed. What no gift covers, and a share a streamer's earnings could not cover, is
     * unrecovered: the buyer's debt, as before. A gift to an account the batch did not lock (sent while the reversal
     * was being applied) is left out.
     */
    private static CoinsFollowed followCoins(BatchPlan plan, Clawback clawback, long missing,
                                             Map<String, AccountState> accounts) {
        Map<String, Long> frozenBy = new LinkedHashMap<>();
        long left = missing;
        long frozenTotal = 0;
        long feesReversed = 0;
        long uncovered = 0;
        for (SpentGift gift : plan.giftsSinceGrant.getOrDefault(clawback.key(), List.of())) {
            AccountState recipient = accounts.get(gift.recipientId());
            long unclaimed = gift.cost() - gift.attributed() - plan.attributedNow.getOrDefault(gift.giftId(), 0L);
            if (left == 0) {
                break;
            }
            if (recipient == null || unclaimed <= 0) {
                continue;
            }
            long part = Math.min(unclaimed, left);
            long share = Math.multiplyExact(part, gift.net()) / gift.cost();
            long frozen = Math.min(recipient.earnings, share);
            long fee = part - share;
            recipient.earnings -= frozen;
            recipient.frozen += frozen;
            recipient.changed = true;
            left -= part;
            uncovered += share - frozen;
            frozenTotal += frozen;
            feesReversed += fee;
            frozenBy.merge(gift.recipientId(), frozen, Long::sum);
            plan.attributedNow.merge(gift.giftId(), part, Long::sum);
            plan.attributions.add(new GiftAttribution(gift.giftId(), clawback.key(), gift.recipientId(), part, frozen,
                    fee));
        }
        frozenBy.values().removeIf(frozen -> frozen == 0);
        return new CoinsFollowed(frozenBy, frozenTotal, feesReversed, left + uncovered);
    }

    /** What a credit just made spendable repays of the account's debt (all of it, if it covers the debt). */
    private static long repayableDebt(AccountState account) {
        return Math.min(account.balance, account.debt);
    }

    /**
     * Credits that reach an account in debt repay it first, so debt and a spendable balance never coexist. The
     * repayment is its own transaction, posted after the credit it follows so every entry's balance_after continues
     * the one before it.
     */
    private static void repayDebt(BatchPlan plan, AccountState account, long repaid, String key, String reference,
                                  String fingerprint) {
        if (repaid == 0) {
            return;
        }
        account.balance -= repaid;
        account.debt -= repaid;
        plan.post(new Posting("debt_repayment", key, reference, account.userId, fingerprint, NO_METADATA,
                Map.of("repaid", repaid))
                .user(account.userId, "spendable", -repaid, account.balance)
                .user(account.userId, "debt", repaid, -account.debt));
    }

    private OperationResult gift(BatchPlan plan, Gift gift, AccountState sender, AccountState recipient) {
        if (gift.senderId().equals(gift.recipientId())) {
            return OperationResult.refused(Problem.of(422, "self-gift", "Self-gift not allowed",
                    "A gift must go to someone else"));
        }
        long cost = Math.multiplyExact(gift.type().cost(), (long) gift.quantity());
        if (sender.debt > 0) {
            return OperationResult.refused(chargeRefusal("account_in_debt", cost, sender.available(), sender.debt));
        }
        if (sender.balance < cost) {
            // Only credits bought (or adjusted) can become a streamer's earnings: promotional ones are not money.
            return OperationResult.refused(Problem.of(402, "insufficient-credits", "Insufficient credits",
                    "Insufficient credits: gifts are paid from purchased credits only; you have " + sender.balance
                            + " purchased and " + sender.livePromotional() + " promotional, this gift costs " + cost)
                    .with("needed", cost).with("available", sender.balance)
                    .with("promotional", sender.livePromotional()).with("reason", "insufficient_credits"));
        }
        long fee = giftFee(cost, giftFeeBps);
        long net = cost - fee;
        sender.balance -= cost;
        sender.gifted += cost;
        recipient.earnings += net;
        recipient.received += net;
        sender.changed = true;
        recipient.changed = true;
        GiftSent event = new GiftSent(gift.giftId(), gift.senderId(), gift.recipientId(), gift.type().code(), cost, fee,
                net, gift.boxId());
        Map<String, Object> body = new LinkedHashMap<>(bodyOf(event));
        body.put("quantity", gift.quantity());
        body.put("senderBalanceAfter", sender.available());
        Posting posting = new Posting("gift", gift.key(), gift.giftId().toString(), gift.senderId(),
                gift.fingerprint(), metadata("giftType", gift.type().code()), body)
                .user(gift.senderId(), "spendable", -cost, sender.balance)
                .user(gift.recipientId(), "earnings", net, recipient.earnings)
                .system("platform_revenue", fee);
        return plan.apply(posting, event);
    }

    private OperationResult adjust(BatchPlan plan, Adjustment adjustment, AccountState account) {
        if (account.balance + adjustment.amount() < 0) {
            return OperationResult.refused(Problem.of(422, "adjustment-below-zero", "Adjustment refused",
                    "The balance is " + account.balance + "; an adjustment of " + adjustment.amount()
                            + " would make it negative").with("available", account.balance));
        }
        account.balance += adjustment.amount();
        account.changed = true;
        Posting posting = new Posting("adjustment", adjustment.key(), adjustment.clientKey(), adjustment.userId(),
                adjustment.fingerprint(), metadata("reason", adjustment.reason(), "adminId", adjustment.adminId()), null)
                .user(adjustment.userId(), "spendable", adjustment.amount(), account.balance)
                .system("adjustments", -adjustment.amount());
        long repaid = repayableDebt(account);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("transactionId", posting.id.toString());
        body.put("userId", adjustment.userId());
        body.put("amount", adjustment.amount());
        body.put("reason", adjustment.reason());
        body.put("debtRepaid", repaid);
        body.put("balanceAfter", account.available() - repaid);
        OperationResult result = plan.apply(posting.withResult(body), null);
        repayDebt(plan, account, repaid, adjustment.key() + ":debt-repayment", adjustment.clientKey(),
                adjustment.fingerprint());
        return result;
    }

    /** Writes off debt an admin judged not owed (a clawback in error, a goodwill gesture): the platform absorbs it. */
    private OperationResult forgive(BatchPlan plan, DebtForgiveness forgiveness, AccountState account) {
        if (forgiveness.amount() > account.debt) {
            return OperationResult.refused(Problem.of(422, "forgiveness-exceeds-debt", "More than the debt",
                    "The account owes " + account.debt + " credits; cannot forgive " + forgiveness.amount())
                    .with("debt", account.debt));
        }
        account.debt -= forgiveness.amount();
        account.changed = true;
        Posting posting = new Posting("debt_forgiveness", forgiveness.key(), forgiveness.clientKey(),
                forgiveness.userId(), forgiveness.fingerprint(),
                metadata("reason", forgiveness.reason(), "adminId", forgiveness.adminId()), null)
                .user(forgiveness.userId(), "debt", forgiveness.amount(), -account.debt)
                .system("adjustments", -forgiveness.amount());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("transactionId", posting.id.toString());
        body.put("userId", forgiveness.userId());
        body.put("forgiven", forgiveness.amount());
        body.put("reason", forgiveness.reason());
        body.put("debtAfter", account.debt);
        return plan.apply(posting.withResult(body), null);
    }

    /** Reserves credits: they leave the available balance for the held one, in the same account. */
    private OperationResult hold(BatchPlan plan, Hold hold, AccountState account) {
        long available = account.available();
        if (account.debt > 0 || available < hold.amount()) {
            return OperationResult.refused(chargeRefusal(account.debt > 0 ? "account_in_debt" : "insufficient_credits",
                    hold.amount(), available, account.debt));
        }
        List<Draw> draws = Draws.take(account, hold.amount());
        long promotional = Draws.promotional(draws);
        account.held += hold.amount();
        Posting posting = new Posting("hold", hold.key(), referenceOf(hold.holdId(), hold.reference()),
                hold.userId(), hold.fingerprint(), metadata("caller", hold.metadata()), null);
        CreditsHeld event = new CreditsHeld(hold.holdId(), hold.userId(), hold.amount(), hold.reference(),
                hold.expiresAt(), account.available(), account.held, posting.id, hold.metadata());
        plan.holds.put(hold.holdId(), new HoldRow(hold.holdId(), hold.userId(), hold.amount(), hold.reference(),
                HoldRow.HELD, 0, hold.expiresAt(), null));
        Map<String, Object> body = new LinkedHashMap<>(bodyOf(event));
        Draws.record(body, draws);
        return plan.apply(posting.withResult(body)
                .user(hold.userId(), "promotional", -promotional, account.promotional)
                .user(hold.userId(), "spendable", promotional - hold.amount(), account.balance)
                .user(hold.userId(), "held", hold.amount(), account.held), event);
    }

    /**
     * Settles a hold: all of it leaves the held balance, what is captured goes to spend, the rest back to the
     * available balance (repaying debt first, like any credit that comes back).
     */
    private OperationResult settle(BatchPlan plan, Submitted submitted, HoldSettlement settlement,
                                   AccountState account) {
        StoredTransaction placed = plan.known.get(settlement.undoneKey());
        if (placed == null) {
            return refuseSettlement(plan, submitted, "hold_not_found", Problem.of(404, "hold-not-found",
                    "No such hold", "Hold " + settlement.holdId() + " does not exist"));
        }
        CreditsHeld hold = json.convertValue(placed.result(), CreditsHeld.class);
        if (!hold.userId().equals(settlement.userId())) {
            return refuseSettlement(plan, submitted, "wrong_user", Problem.of(422, "wrong-user", "Wrong user",
                    "Hold " + settlement.holdId() + " belongs to another user"));
        }
        long captured = settlement instanceof CaptureHold capture && capture.amount() != null ? capture.amount()
                : settlement instanceof CaptureHold ? hold.amount() : 0;
        if (captured > hold.amount()) {
            return refuseSettlement(plan, submitted, "capture_exceeds_hold", Problem.of(422, "capture-exceeds-hold",
                    "Capture exceeds the hold",
                    "Hold " + hold.holdId() + " holds " + hold.amount() + " credits; cannot capture " + captured)
                    .with("held", hold.amount()));
        }
        if (settlement instanceof ExpireHold && hold.expiresAt().isAfter(plan.now)) {
            return OperationResult.refused(Problem.of(409, "hold-not-expired", "Hold not expired",
                    "Hold " + hold.holdId() + " expires at " + hold.expiresAt()));
        }
        long released = hold.amount() - captured;
        account.held -= hold.amount();
        Returned back = Draws.giveBack(account, Draws.of(placed.result()), hold.amount(), released);
        account.spent += captured;
        String status = settlement instanceof CaptureHold ? HoldRow.CAPTURED
                : settlement instanceof VoidHold ? HoldRow.VOIDED : HoldRow.EXPIRED;
        String reason = settlement instanceof VoidHold voided ? voided.reason() : null;
        String reference = referenceOf(hold.holdId(), hold.reference());
        String kind = switch (status) {
            case HoldRow.CAPTURED -> "hold_capture";
            case HoldRow.VOIDED -> "hold_void";
            default -> "hold_expiry";
        };
        Posting posting = new Posting(kind, settlement.key(), reference,
                settlement.userId(), settlement.fingerprint(), metadata("reason", reason), null)
                .user(hold.userId(), "held", -hold.amount(), account.held)
                .user(hold.userId(), "spendable", back.spendable(), account.balance)
                .user(hold.userId(), "promotional", back.promotional(), account.promotional)
                .system("spend", captured)
                .system("bonus", back.expired());
        long repaid = repayableDebt(account);
        long availableAfter = account.available() - repaid;
        TallyEvent event = switch (status) {
            case HoldRow.CAPTURED -> new HoldCaptured(hold.holdId(), hold.userId(), hold.reference(), captured,
                    released, availableAfter, account.held, posting.id, hold.metadata());
            case HoldRow.VOIDED -> new HoldVoided(hold.holdId(), hold.userId(), hold.reference(), released, reason,
                    availableAfter, account.held, posting.id, hold.metadata());
            default -> new HoldExpired(hold.holdId(), hold.userId(), hold.reference(), released, availableAfter,
                    account.held, posting.id, hold.metadata());
        };
        Map<String, Object> body = new LinkedHashMap<>(bodyOf(event));
        body.put("status", status);
        plan.holds.put(hold.holdId(), new HoldRow(hold.holdId(), hold.userId(), hold.amount(), hold.reference(),
                status, captured, hold.expiresAt(), plan.now));
        OperationResult result = plan.apply(posting.withResult(body), event);
        repayDebt(plan, account, repaid, settlement.key() + ":debt-repayment", reference, settlement.fingerprint());
        return result;
    }

    /** The hold was settled before in another way (captured, voided or expired): nothing changes. */
    private static OperationResult alreadySettled(BatchPlan plan, Submitted submitted, HoldSettlement settlement,
                                                  StoredTransaction previous) {
        Object status = previous.result().get("status");
        return refuseSettlement(plan, submitted, "hold_settled", Problem.of(409, "hold-settled",
                "Hold already settled", "Hold " + settlement.holdId() + " was already " + status).with("holdStatus", status));
    }

    /**
     * A capture or void asked for by an event (a job's) is answered, so the asker stops asking; the API caller gets
     * the problem. The expiry pass asks nobody: its refusals are only its own.
     */
    private static OperationResult refuseSettlement(BatchPlan plan, Submitted submitted, String reason,
                                                    Problem problem) {
        HoldSettlement settlement = (HoldSettlement) submitted.operation();
        if (submitted.announceReplay() && !(settlement instanceof ExpireHold)) {
            String kind = settlement instanceof CaptureHold ? "capture" : "void";
            plan.emit(new HoldSettlementRefused(settlement.holdId(), settlement.userId(), kind, reason,
                    problem.detail()));
        }
        return OperationResult.refused(problem.with("reason", reason));
    }

    private static String referenceOf(UUID holdId, String reference) {
        return reference != null ? reference : holdId.toString();
    }

    private OperationResult replay(BatchPlan plan, Submitted submitted, StoredTransaction previous,
                                   Map<String, AccountState> accounts) {
        LedgerOperation op = submitted.operation();
        if (!previous.fingerprint().equals(op.fingerprint())) {
            return conflict(plan, submitted, accounts.get(op.userIds().iterator().next()));
        }
        if (submitted.announceReplay()) {
            Class<? extends TallyEvent> eventClass = outcomeEventOf(op);
            if (eventClass != null) {
                plan.emit(json.convertValue(previous.result(), eventClass));
            }
        }
        return OperationResult.replayed(previous.result());
    }

    /** The event that announces an operation's outcome (adjustments and openings have none). */
    private static Class<? extends TallyEvent> outcomeEventOf(LedgerOperation op) {
        if (op instanceof Charge) {
            return CreditsCharged.class;
        } else if (op instanceof Refund) {
            return CreditsRefunded.class;
        } else if (op instanceof Grant) {
            return CreditsGranted.class;
        } else if (op instanceof Clawback) {
            return CreditsClawedBack.class;
        } else if (op instanceof Gift) {
            return GiftSent.class;
        } else if (op instanceof Hold || op instanceof JobHold) {
            return CreditsHeld.class;
        } else if (op instanceof CaptureHold) {
            return HoldCaptured.class;
        } else if (op instanceof VoidHold) {
            return HoldVoided.class;
        } else if (op instanceof ExpireHold) {
            return HoldExpired.class;
        } else if (op instanceof Promotion) {
            return PromotionGranted.class;
        } else if (op instanceof ExpirePromotion) {
            return PromotionExpired.class;
        }
        return null;
    }

    /**
     * The key was used before with other parameters. A saga's request is still answered (a charge rejected, a refund
     * refused, both with reason {@code conflict}) so the job ends instead of asking forever.
     */
    private OperationResult conflict(BatchPlan plan, Submitted submitted, AccountState account) {
        LedgerOperation op = submitted.operation();
        Problem problem = Problem.of(409, "idempotency-key-reused", "Idempotency key reused",
                "The key " + op.key() + " was already used with different parameters");
        if (op instanceof Refund) {
            return refuseRefund(plan, submitted, "conflict", problem);
        }
        if (op instanceof Charge charge && submitted.announceReplay()) {
            plan.emit(new ChargeRejected(charge.jobId(), charge.userId(), charge.amount(), account.available(),
                    "conflict"));
        } else if (op instanceof JobHold hold && submitted.announceReplay()) {
            plan.emit(new ChargeRejected(hold.jobId(), hold.userId(), hold.amount(), account.available(), "conflict"));
        }
        return OperationResult.refused(problem);
    }

    static Problem chargeRefusal(String reason, long needed, long available, long debt) {
        Problem problem = "account_in_debt".equals(reason)
                ? Problem.of(402, "account-in-debt", "Account in debt",
                        "Your account owes " + debt + " credits; buy credits to repay the debt before spending")
                        .with("debt", debt)
                : Problem.of(402, "insufficient-credits", "Insufficient credits",
                        "Insufficient credits: you have " + available + ", this needs " + needed);
        return problem.with("needed", needed).with("available", available).with("reason", reason);
    }

    private Map<String, Object> bodyOf(TallyEvent event) {
        return json.convertValue(event, MAP);
    }

    private static Map<String, Object> metadata(Object... pairs) {
        Map<String, Object> metadata = new HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            if (pairs[i + 1] != null) {
                metadata.put((String) pairs[i], pairs[i + 1]);
            }
        }
        return metadata;
    }

    /** Everything a batch will write, and what each operation answers. */
    static final class BatchPlan {

        final Map<String, StoredTransaction> known;
        final Map<UUID, StoredRejection> rejections;
        final List<OperationResult> results = new ArrayList<>();
        final List<Posting> postings = new ArrayList<>();
        final List<StoredRejection> newRejections = new ArrayList<>();
        /** For each clawback in the batch (by key), the gifts its buyer sent since the grant. */
        final Map<String, List<SpentGift>> giftsSinceGrant;
        /** Gift parts this batch's clawbacks attributed, to write, and per gift, so a gift is not claimed twice. */
        final List<GiftAttribution> attributions = new ArrayList<>();
        final Map<UUID, Long> attributedNow = new HashMap<>();
        /** Each hold placed or settled by the batch, in its latest state. */
        final Map<UUID, HoldRow> holds = new LinkedHashMap<>();
        /** When the batch is decided: a hold expires against it, a settlement is stamped with it. */
        final OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        /** The events to append to the outbox, each in the trace of the operation that decided it. */
        final List<OutgoingEvent> events = new ArrayList<>();
        private String traceParent;

        BatchPlan(StoredOutcomes stored) {
            this.known = new HashMap<>(stored.transactions());
            this.rejections = new HashMap<>(stored.rejections());
            this.giftsSinceGrant = stored.giftsSinceGrant();
        }

        void post(Posting posting) {
            if (posting.sum() != 0) {
                throw new IllegalStateException("unbalanced posting " + posting.key + ": " + posting.sum());
            }
            postings.add(posting);
            known.put(posting.key, new StoredTransaction(posting.key, posting.fingerprint, posting.result));
        }

        OperationResult apply(Posting posting, TallyEvent event) {
            post(posting);
            if (event != null) {
                emit(event);
            }
            return OperationResult.applied(posting.result);
        }

        /** What is decided from here on is {@code submitted}'s: its events go in its trace. */
        void decidingFor(Submitted submitted) {
            traceParent = submitted.traceParent();
        }

        void emit(TallyEvent event) {
            events.add(new OutgoingEvent(event, traceParent));
        }
    }
}
