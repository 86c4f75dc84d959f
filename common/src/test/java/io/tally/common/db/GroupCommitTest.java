package io.tally.common.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The batch executor the request paths share (payments' webhooks, jobs' worker reports). */
@Tag("unit")
class GroupCommitTest {

    private static final Duration PATIENCE = Duration.ofSeconds(5);

    /** Applies a batch "in one transaction": everything fails if any item is "bad". */
    private static Function<List<String>, Uni<List<String>>> together(Map<List<String>, Integer> calls) {
        return batch -> {
            calls.merge(batch, 1, Integer::sum);
            return batch.contains("bad") ? Uni.createFrom().failure(new IllegalArgumentException("bad item"))
                    : Uni.createFrom().item(batch.stream().map(item -> item + ":ok").toList());
        };
    }

    @Test
    void aBatchThatFailsIsSplitSoOnlyTheBadItemFails() {
        Map<List<String>, Integer> calls = new ConcurrentHashMap<>();
        var executor = GroupCommit.splittingOnFailure(together(calls),
                (item, failure) -> item + ":" + failure.getMessage());

        List<String> answers = executor.apply(List.of("a", "bad", "c")).await().atMost(PATIENCE);

        assertThat(answers).containsExactly("a:ok", "bad:bad item", "c:ok");
        assertThat(calls).containsEntry(List.of("a", "bad", "c"), 1) // not retried: the failure is not transient
                .containsEntry(List.of("a"), 1).containsEntry(List.of("bad"), 1).containsEntry(List.of("c"), 1);
    }

    @Test
    void transientTroubleRetriesTheWholeBatch() {
        AtomicInteger attempts = new AtomicInteger();
        var executor = GroupCommit.<String, String>splittingOnFailure(batch -> attempts.incrementAndGet() < 3
                        ? Uni.createFrom().failure(new TimeoutException("connection lost"))
                        : Uni.createFrom().item(batch.stream().map(item -> item + ":ok").toList()),
                (item, failure) -> item + ":failed");

        assertThat(executor.apply(List.of("a", "b")).await().atMost(PATIENCE)).containsExactly("a:ok", "b:ok");
        assertThat(attempts).hasValue(3);
    }

    @Test
    void lastingTransientTroubleFailsTheWholeBatchWithoutSplittingIt() {
        Map<List<String>, Integer> calls = new ConcurrentHashMap<>();
        var executor = GroupCommit.<String, String>splittingOnFailure(batch -> {
            calls.merge(batch, 1, Integer::sum);
            return Uni.createFrom().failure(new TimeoutException("database down"));
        }, (item, failure) -> item + ":failed");

        Throwable failure = catchThrowable(() -> executor.apply(List.of("a", "b")).await().atMost(Duration.ofSeconds(30)));

        // Every caller hears the outage (a 503, or a consumer that waits), and no item is tried alone.
        assertThat(failure instanceof TimeoutException ? failure : failure.getCause()).isInstanceOf(TimeoutException.class);
        assertThat(calls).containsOnly(Map.entry(List.of("a", "b"), GroupCommit.TRANSIENT_ATTEMPTS));
    }

    @Test
    void callsArrivingWhileABatchRunsShareTheNext() {
        Map<List<String>, Integer> calls = new ConcurrentHashMap<>();
        CompletableFuture<List<String>> first = new CompletableFuture<>();
        // The first batch does not finish until released, so the next three queue up behind it.
        GroupCommit<String, String> held = new GroupCommit<>(batch -> batch.contains("first")
                ? Uni.createFrom().completionStage(first) : together(calls).apply(batch), 10, 1);
        var answers = List.of("first", "x", "y", "z").stream()
                .map(item -> held.submit(item).subscribeAsCompletionStage()).toList();
        first.complete(List.of("first:ok"));

        assertThat(answers).extracting(answer -> answer.toCompletableFuture().join())
                .containsExactly("first:ok", "x:ok", "y:ok", "z:ok");
        assertThat(calls).containsOnlyKeys(List.of("x", "y", "z"));
    }

    @Test
    void pastItsBoundTheQueueRefusesAtOnce() {
        CompletableFuture<List<String>> held = new CompletableFuture<>();
        GroupCommit<String, String> stuck = new GroupCommit<>(batch -> Uni.createFrom().completionStage(held), 2, 1);
        int bound = GroupCommit.QUEUED_BATCHES * 2;
        stuck.submit("running").subscribeAsCompletionStage();
        var queued = java.util.stream.IntStream.range(0, bound)
                .mapToObj(i -> stuck.submit("queued-" + i).subscribeAsCompletionStage()).toList();

        assertThatThrownBy(() -> stuck.submit("one too many").await().atMost(PATIENCE))
                .isInstanceOf(GroupCommit.Overloaded.class);
        assertThat(queued).noneMatch(answer -> answer.toCompletableFuture().isDone());
    }

    @Test
    void itemsSubmittedTogetherLeaveTogetherAndAnswerInOrder() {
        Map<List<String>, Integer> calls = new ConcurrentHashMap<>();
        GroupCommit<String, String> commit = new GroupCommit<>(together(calls), 3, 2);

        List<String> answers = commit.submitAll(List.of("a", "b", "c", "d", "e"), (item, failure) -> item + ":failed")
                .await().atMost(PATIENCE);

        // Submitted one by one, the first two would each have left alone (two batches may run at once).
        assertThat(answers).containsExactly("a:ok", "b:ok", "c:ok", "d:ok", "e:ok");
        assertThat(calls).containsOnlyKeys(List.of("a", "b", "c"), List.of("d", "e"));
    }

    @Test
    void anItemWhoseBatchFailedIsAnsweredByTheFallbackWhileTheOthersCommit() {
        GroupCommit<String, String> commit = new GroupCommit<>(batch -> batch.contains("down")
                ? Uni.createFrom().failure(new TimeoutException("database down"))
                : Uni.createFrom().item(batch.stream().map(item -> item + ":ok").toList()), 2, 1);

        List<String> answers = commit.submitAll(List.of("a", "b", "down", "c"),
                (item, failure) -> item + ":" + failure.getMessage()).await().atMost(PATIENCE);

        assertThat(answers).containsExactly("a:ok", "b:ok", "down:database down", "c:database down");
    }

    @Test
    void itemsThatDoNotAllFitAreRefusedTogetherAndNoneIsQueued() {
        CompletableFuture<List<String>> held = new CompletableFuture<>();
        Map<List<String>, Integer> calls = new ConcurrentHashMap<>();
        GroupCommit<String, String> stuck = new GroupCommit<>(batch -> batch.contains("running")
                ? Uni.createFrom().completionStage(held) : together(calls).apply(batch), 2, 1);
        stuck.submit("running").subscribeAsCompletionStage();
        List<String> tooMany = java.util.stream.IntStream.range(0, GroupCommit.QUEUED_BATCHES * 2 + 1)
                .mapToObj(i -> "queued-" + i).toList();

        assertThatThrownBy(() -> stuck.submitAll(tooMany, (item, failure) -> item).await().atMost(PATIENCE))
                .isInstanceOf(GroupCommit.Overloaded.class);
        held.complete(List.of("running:ok"));
        assertThat(calls).isEmpty();
    }
}
