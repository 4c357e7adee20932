package org.vigil.ioc.update;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.vigil.core.VigilVersion;

/**
 * Downloads one URL into a file with bounds: a connect/response timeout, an overall deadline for
 * the body, a size cap (checked against Content-Length and while streaming), redirects followed
 * (never from https to http, the JDK's {@code NORMAL} policy), only status 200 accepted.
 */
final class HttpDownloader {

    /** What was saved. */
    record Download(long size, String sha256) {}

    /** A download that did not give a usable body; the message is for the user. */
    static final class DownloadException extends Exception {
        DownloadException(String message) {
            super(message);
        }

        DownloadException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final HttpClient client;
    private final Duration timeout;
    private final Duration deadline;
    private final long maxBytes;

    HttpDownloader(Duration timeout, Duration deadline, long maxBytes) {
        this.timeout = timeout;
        this.deadline = deadline;
        this.maxBytes = maxBytes;
        this.client = HttpClient.newBuilder()
                .connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build();
    }

    /** Downloads {@code url} into {@code target} (an existing file, truncated). */
    Download download(URI url, Path target) throws DownloadException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(url)
                .timeout(timeout)
                .header("User-Agent", "Vigil/" + VigilVersion.get())
                .GET()
                .build();
        int[] status = {0};
        FileSubscriber[] subscriber = {null};
        HttpResponse.BodyHandler<Download> handler = info -> {
            status[0] = info.statusCode();
            if (info.statusCode() != 200) {
                return new Refusing();
            }
            long declared;
            try {
                declared = info.headers().firstValueAsLong("Content-Length").orElse(-1);
            } catch (NumberFormatException e) {
                declared = -1;
            }
            FileSubscriber s = new FileSubscriber(target, maxBytes, declared);
            subscriber[0] = s;
            return s;
        };
        CompletableFuture<HttpResponse<Download>> future = client.sendAsync(request, handler);
        HttpResponse<Download> response;
        try {
            response = future.get(deadline.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            if (subscriber[0] != null) {
                subscriber[0].abort();
            }
            throw new DownloadException("timed out after " + deadline.toSeconds() + " s");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            while (cause instanceof CompletionException
                    || cause instanceof IOException
                            && cause.getCause() instanceof DownloadException) {
                cause = cause.getCause();
            }
            if (cause instanceof DownloadException d) {
                throw d;
            }
            if (cause instanceof java.net.http.HttpTimeoutException) {
                throw new DownloadException("timed out (" + timeout.toSeconds() + " s)", cause);
            }
            throw new DownloadException(describe(cause), cause);
        }
        if (status[0] != 200 || response.body() == null) {
            throw new DownloadException("HTTP status " + response.statusCode());
        }
        return response.body();
    }

    private static String describe(Throwable t) {
        if (t == null) {
            return "download failed";
        }
        String m = t.getMessage();
        return t.getClass().getSimpleName() + (m == null || m.isBlank() ? "" : ": " + m);
    }

    /** Takes no body: cancels at once (used for non-200 answers). */
    private static final class Refusing implements HttpResponse.BodySubscriber<Download> {
        private final CompletableFuture<Download> result = new CompletableFuture<>();

        @Override
        public CompletionStage<Download> getBody() {
            return result;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            subscription.cancel();
            result.complete(null);
        }

        @Override
        public void onNext(List<ByteBuffer> item) {}

        @Override
        public void onError(Throwable throwable) {
            result.complete(null);
        }

        @Override
        public void onComplete() {
            result.complete(null);
        }
    }

    /** Streams the body into a file, hashing it and stopping past the size cap. */
    private static final class FileSubscriber implements HttpResponse.BodySubscriber<Download> {
        private final Path target;
        private final long max;
        private final long declared;
        private final CompletableFuture<Download> result = new CompletableFuture<>();
        private final MessageDigest digest;
        private volatile Flow.Subscription subscription;
        private FileChannel channel;
        private long size;

        FileSubscriber(Path target, long max, long declared) {
            this.target = target;
            this.max = max;
            this.declared = declared;
            try {
                this.digest = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public CompletionStage<Download> getBody() {
            return result;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            if (declared > max) {
                fail(new DownloadException("larger than the limit of " + max + " bytes ("
                        + declared + " declared)"));
                return;
            }
            try {
                channel = FileChannel.open(target, StandardOpenOption.WRITE,
                        StandardOpenOption.TRUNCATE_EXISTING);
            } catch (IOException e) {
                fail(new DownloadException("cannot write " + target + ": " + e.getMessage(), e));
                return;
            }
            s.request(1);
        }

        @Override
        public void onNext(List<ByteBuffer> items) {
            if (result.isDone()) {
                return;
            }
            try {
                for (ByteBuffer bb : items) {
                    size += bb.remaining();
                    if (size > max) {
                        fail(new DownloadException("larger than the limit of " + max + " bytes"));
                        return;
                    }
                    digest.update(bb.duplicate());
                    while (bb.hasRemaining()) {
                        channel.write(bb);
                    }
                }
            } catch (IOException e) {
                fail(new DownloadException("cannot write " + target + ": " + e.getMessage(), e));
                return;
            }
            subscription.request(1);
        }

        @Override
        public void onError(Throwable t) {
            close();
            result.completeExceptionally(t);
        }

        @Override
        public void onComplete() {
            if (result.isDone()) {
                return;
            }
            try {
                if (channel != null) {
                    channel.force(true);
                }
            } catch (IOException e) {
                fail(new DownloadException("cannot write " + target + ": " + e.getMessage(), e));
                return;
            }
            close();
            result.complete(new Download(size, HexFormat.of().formatHex(digest.digest())));
        }

        void abort() {
            fail(new DownloadException("aborted"));
        }

        private void fail(DownloadException e) {
            Flow.Subscription s = subscription;
            if (s != null) {
                s.cancel();
            }
            close();
            result.completeExceptionally(e);
        }

        private synchronized void close() {
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException ignored) {
                    // nothing to do: the file is discarded by the caller
                }
            }
        }
    }
}
