package org.vigil.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import org.junit.jupiter.api.Test;
import org.vigil.core.Progress;
import org.vigil.testing.RecordingProgress;

class ProgressInputStreamTest {
    @Test
    void countsEveryByteReadOrSkippedAndNothingAtTheEnd() throws Exception {
        RecordingProgress progress = new RecordingProgress();
        try (Progress.Step step = progress.start("r", 100, Progress.Unit.BYTES);
                InputStream in = new ProgressInputStream(new ByteArrayInputStream(new byte[100]), step)) {
            assertThat(in.read()).isZero();
            assertThat(in.read(new byte[30], 0, 30)).isEqualTo(30);
            assertThat(in.skip(9)).isEqualTo(9);
            assertThat(in.readAllBytes()).hasSize(60);
            assertThat(in.read()).isEqualTo(-1);
            assertThat(in.read(new byte[5], 0, 5)).isEqualTo(-1);
        }
        assertThat(progress.steps().get(0).done()).isEqualTo(100);
    }
}
