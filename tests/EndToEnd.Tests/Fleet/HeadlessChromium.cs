using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SriovForwarder.EndToEnd.Tests.Fleet;

/// <summary>
/// Debian's real <c>chromium</c>, headless, driven over the DevTools protocol (a WebSocket): navigate, evaluate
/// JavaScript against the live DOM, take a screenshot. Its profile lives in a temporary folder removed on dispose.
/// </summary>
public sealed class HeadlessChromium : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _profile;
    private readonly ClientWebSocket _socket = new();
    private int _nextId;

    private HeadlessChromium(Process process, string profile)
    {
        _process = process;
        _profile = profile;
    }

    /// <summary>The executable, or null when chromium is not installed.</summary>
    public static string? Executable =>
        new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser" }.FirstOrDefault(File.Exists);

    public static async Task<HeadlessChromium> StartAsync()
    {
        var port = ForwarderProcess.FreePort();
        var profile = Directory.CreateTempSubdirectory("sriov-chromium-").FullName;
        var start = new ProcessStartInfo(Executable ?? throw new InvalidOperationException("chromium is not installed (apt-get install -y chromium)"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
        {
            "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
            "--window-size=1400,1600", $"--user-data-dir={profile}", $"--remote-debugging-port={port.ToString(CultureInfo.InvariantCulture)}", "about:blank",
        })
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start)!;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        // Returned to the caller, or disposed below when chromium does not come up.
#pragma warning disable CA2000
        var browser = new HeadlessChromium(process, profile);
#pragma warning restore CA2000
        try
        {
            using var http = new HttpClient();
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
            string? page = null;
            while (page is null)
            {
                try
                {
                    var targets = await http.GetFromJsonAsync<JsonArray>($"http://127.0.0.1:{port}/json/list");
                    page = targets?.FirstOrDefault(t => (string?)t?["type"] == "page")?["webSocketDebuggerUrl"]?.GetValue<string>();
                }
                catch (HttpRequestException) when (DateTime.UtcNow < deadline && !process.HasExited)
                {
                }

                if (page is null)
                {
                    if (DateTime.UtcNow >= deadline || process.HasExited)
                    {
                        throw new TimeoutException($"chromium did not open its DevTools port {port} (exited: {process.HasExited})");
                    }

                    await Task.Delay(100);
                }
            }

            await browser._socket.ConnectAsync(new Uri(page), CancellationToken.None);
            return browser;
        }
        catch
        {
            await browser.DisposeAsync();
            throw;
        }
    }

    public Task NavigateAsync(string url) => SendAsync("Page.navigate", new JsonObject { ["url"] = url });

    /// <summary>Evaluates <paramref name="expression"/> in the page and returns its value as JSON text.</summary>
    public async Task<string> EvaluateAsync(string expression)
    {
        var result = await SendAsync("Runtime.evaluate", new JsonObject { ["expression"] = expression, ["returnByValue"] = true });
        return result["result"]?["value"]?.ToJsonString() ?? "null";
    }

    /// <summary>Saves a PNG of the page as it is now.</summary>
    public async Task ScreenshotAsync(string path)
    {
        var result = await SendAsync("Page.captureScreenshot", new JsonObject { ["format"] = "png", ["captureBeyondViewport"] = true });
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllBytesAsync(path, Convert.FromBase64String(result["data"]!.GetValue<string>()));
    }

    public async ValueTask DisposeAsync()
    {
        _socket.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        Directory.Delete(_profile, recursive: true);
    }

    // One command at a time: sends it and reads messages (skipping events) until its answer.
    private async Task<JsonNode> SendAsync(string method, JsonObject parameters)
    {
        var id = ++_nextId;
        var message = new JsonObject { ["id"] = id, ["method"] = method, ["params"] = parameters };
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _socket.SendAsync(Encoding.UTF8.GetBytes(message.ToJsonString()), WebSocketMessageType.Text, true, timeout.Token);
        var buffer = new byte[1 << 16];
        while (true)
        {
            using var text = new MemoryStream();
            WebSocketReceiveResult received;
            do
            {
                received = await _socket.ReceiveAsync(buffer, timeout.Token);
                await text.WriteAsync(buffer.AsMemory(0, received.Count), timeout.Token);
            }
            while (!received.EndOfMessage);

            var answer = JsonNode.Parse(text.ToArray())!;
            if ((int?)answer["id"] != id)
            {
                continue;
            }

            if (answer["error"] is { } error)
            {
                throw new InvalidOperationException($"DevTools {method} failed: {error.ToJsonString()}");
            }

            return answer["result"]!;
        }
    }
}
