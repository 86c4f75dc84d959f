package io.tally.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Signed JWTs from `./dev token` (the same key pair the local services trust). */
public final class Tokens {

    private Tokens() {
    }

    public static String issue(BenchContext context, String subject, String... roles) throws IOException, InterruptedException {
        String command = context.env().getOrDefault("TALLY_BENCH_TOKEN_CMD", "./dev token");
        List<String> args = new ArrayList<>(List.of(command.split(" ")));
        args.add(subject);
        args.addAll(List.of(roles));
        Process process = new ProcessBuilder(args).start();
        String token = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (process.waitFor() != 0 || token.isEmpty()) {
            throw new IllegalStateException("could not issue a token with " + args);
        }
        return token;
    }
}
