package io.tally.credits.ledger;

import io.vertx.mutiny.sqlclient.Row;

/** An entry of the gift catalogue. */
public record GiftType(String code, String name, long cost) {

    static GiftType from(Row row) {
        return new GiftType(row.getString("code"), row.getString("name"), row.getLong("cost"));
    }
}
