package io.tally.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's headless Chromium driven through Debian's chromedriver (no driver or browser is downloaded), with the
 * checks every page gets: no console errors, every form field labelled, a screenshot under target/screenshots/.
 */
final class Browser implements AutoCloseable {

    private static final Path SCREENSHOTS = Path.of("target", "screenshots");

    private final ChromeDriver driver;
    private final WebDriverWait wait;

    private Browser(ChromeDriver driver) {
        this.driver = driver;
        this.wait = new WebDriverWait(driver, Duration.ofSeconds(20));
    }

    static Browser start() throws IOException {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(binary("TALLY_CHROMIUM", "/usr/bin/chromium"));
        // As root, without a GPU, and without the background connections this machine's closed network refuses.
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--window-size=1280,1000",
                "--user-data-dir=" + Files.createTempDirectory("tally-chromium"));
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(Path.of(binary("TALLY_CHROMEDRIVER", "/usr/bin/chromedriver")).toFile())
                .usingAnyFreePort().build();
        Files.createDirectories(SCREENSHOTS);
        return new Browser(new ChromeDriver(service, options));
    }

    void open(String url) {
        driver.get(url);
    }

    String url() {
        return driver.getCurrentUrl();
    }

    WebElement find(String css) {
        return wait.until(d -> d.findElement(By.cssSelector(css)));
    }

    List<WebElement> all(String css) {
        return driver.findElements(By.cssSelector(css));
    }

    boolean has(String css) {
        return !all(css).isEmpty();
    }

    String text(String css) {
        return find(css).getText();
    }

    void type(String css, String text) {
        WebElement field = find(css);
        field.clear();
        field.sendKeys(text);
    }

    void click(String css) {
        find(css).click();
    }

    /** Posts a form as the page would (same origin, same cookies), e.g. to send a confirmation a second time. */
    void postForm(String action, Map<String, String> fields) {
        driver.executeScript("""
                const form = document.createElement('form');
                form.method = 'post';
                form.action = arguments[0];
                for (const [name, value] of Object.entries(arguments[1])) {
                  const input = document.createElement('input');
                  input.type = 'hidden'; input.name = name; input.value = value;
                  form.appendChild(input);
                }
                document.body.appendChild(form);
                form.submit();""", action, fields);
    }

    WebElement focused() {
        return driver.switchTo().activeElement();
    }

    /** Waits until the element's text is the given one (a page that updates itself). */
    void awaitText(String css, String text) {
        wait.until(d -> text.equals(d.findElement(By.cssSelector(css)).getText()));
    }

    /** Waits until the page's title contains the text. */
    void awaitTitle(String text) {
        wait.until(d -> d.getTitle() != null && d.getTitle().contains(text));
    }

    /**
     * The checks every console page passes: no error in the browser's console, every visible form field has a label
     * (a label element or aria-label), then a screenshot named after the step.
     */
    void checkPage(String name) throws IOException {
        checkPage(name, 200);
    }

    /**
     * {@link #checkPage(String)} for a page the console answers with another status on purpose (a form sent back
     * with its errors is a 400): Chromium logs that status as an error of the page's own address, and only that
     * one entry is allowed.
     */
    void checkPage(String name, int documentStatus) throws IOException {
        String ownStatus = url() + " - Failed to load resource: the server responded with a status of " + documentStatus;
        List<String> errors = driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(entry -> entry.getLevel().intValue() >= Level.SEVERE.intValue())
                .map(LogEntry::getMessage)
                .filter(message -> documentStatus == 200 || !message.startsWith(ownStatus))
                .toList();
        assertThat(errors).as("browser console errors on " + name + " (" + url() + ")").isEmpty();
        for (WebElement field : all("input:not([type=hidden]), select, textarea")) {
            String id = field.getAttribute("id");
            boolean labelled = (id != null && has("label[for='" + id + "']"))
                    || field.getAttribute("aria-label") != null;
            assertThat(labelled).as("a label for field " + field.getAttribute("name") + " on " + name).isTrue();
        }
        Files.write(SCREENSHOTS.resolve(name + ".png"), driver.getScreenshotAs(OutputType.BYTES));
    }

    @Override
    public void close() {
        driver.quit();
    }

    private static String binary(String variable, String fallback) {
        String configured = System.getenv(variable);
        String path = configured == null || configured.isBlank() ? fallback : configured;
        if (!Files.isExecutable(Path.of(path))) {
            throw new IllegalStateException(path + " is missing: ./dev test installs Debian's chromium and "
                    + "chromium-driver (apt-get install chromium chromium-driver)");
        }
        return path;
    }
}
