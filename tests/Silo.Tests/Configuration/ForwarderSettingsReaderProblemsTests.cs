namespace SriovForwarder.Silo.Tests.Configuration;

public sealed class ForwarderSettingsReaderProblemsTests
{
    private const string Duration = "not a duration; use Go syntax such as 50ms, 1m30s";
    private const string Port = "not a port number; use an integer from 1 to 65535";
    private const string Address = "not a listen address; use host:port such as 127.0.0.1:8080, [::1]:8080 or :8080 (every interface)";
    private const string Boolean = "not a boolean; use true or false (also accepted: 1, t, T, TRUE, True, 0, f, F, FALSE, False)";
    private const string UnixUrl = "not a unix socket URL; use unix:///absolute/path/to/file.sock";

    public static TheoryData<string, string, string> BadValues => new()
    {
        { "NSM_DIAL_TIMEOUT", "5 sec", $"NSM_DIAL_TIMEOUT=\"5 sec\": {Duration}" },
        { "NSM_DIAL_TIMEOUT", "", $"NSM_DIAL_TIMEOUT=\"\": {Duration}" },
        { "NSM_MAX_TOKEN_LIFETIME", "PT10M", $"NSM_MAX_TOKEN_LIFETIME=\"PT10M\": {Duration}" },
        { "NSM_RESOURCE_POLL_TIMEOUT", "30", $"NSM_RESOURCE_POLL_TIMEOUT=\"30\": {Duration}" },
        { "NSM_METRICS_EXPORT_INTERVAL", "-10s", "NSM_METRICS_EXPORT_INTERVAL=\"-10s\": must not be negative; use Go syntax such as 50ms, 1m30s" },
        { "NSM_DRIVER_BIND_TIMEOUT", "1 s", $"NSM_DRIVER_BIND_TIMEOUT=\"1 s\": {Duration}" },
        { "NSM_PPROF_ENABLED", "yes", $"NSM_PPROF_ENABLED=\"yes\": {Boolean}" },
        { "NSM_PPROF_ENABLED", "", $"NSM_PPROF_ENABLED=\"\": {Boolean}" },
        { "TELEMETRY", "on", $"TELEMETRY=\"on\": {Boolean}" },
        { "NSM_LABELS", "p2p:true,zone", "NSM_LABELS=\"p2p:true,zone\": invalid map item \"zone\"; use key:value pairs separated by commas, such as p2p:true,a:b (a key or value may not contain ':')" },
        { "NSM_LABELS", "url:http://x", "NSM_LABELS=\"url:http://x\": invalid map item \"url:http://x\"; use key:value pairs separated by commas, such as p2p:true,a:b (a key or value may not contain ':')" },
        { "NSM_LOG_LEVEL", "verbose", "NSM_LOG_LEVEL=\"verbose\": not a log level; use panic, fatal, error, warn, warning, info, debug or trace" },
        { "NSM_LOG_FORMAT", "logfmt", "NSM_LOG_FORMAT=\"logfmt\": not a log format; use text or json" },
        { "NSM_LOG_FORMAT", "", "NSM_LOG_FORMAT=\"\": not a log format; use text or json" },
        { "NSM_SILO_PORT", "0", $"NSM_SILO_PORT=\"0\": {Port}" },
        { "NSM_SILO_PORT", "65536", $"NSM_SILO_PORT=\"65536\": {Port}" },
        { "NSM_GATEWAY_PORT", "30k", $"NSM_GATEWAY_PORT=\"30k\": {Port}" },
        { "NSM_GATEWAY_PORT", "-1", $"NSM_GATEWAY_PORT=\"-1\": {Port}" },
        { "NSM_NODE_NAME", "", "NSM_NODE_NAME=\"\": must not be empty; unset it to use the default (the host name)" },
        { "NSM_NAME", "", "NSM_NAME=\"\": must not be empty; unset it to use the default sriov-forwarder" },
        { "NSM_NSNAME", "", "NSM_NSNAME=\"\": must not be empty; unset it to use the default forwarder" },
        { "NSM_SRIOV_CONFIG_FILE", "", "NSM_SRIOV_CONFIG_FILE=\"\": must not be empty; unset it to use the default pci.config" },
        { "NSM_CLUSTERING", "kubernetes", "NSM_CLUSTERING=\"kubernetes\": not a clustering mode; use localhost or redis" },
        { "NSM_CONNECT_TO", "http://nsmgr:5001", "NSM_CONNECT_TO=\"http://nsmgr:5001\": scheme \"http\" is not supported; use unix:///absolute/path or tcp://host:port" },
        { "NSM_CONNECT_TO", "/var/lib/networkservicemesh/nsm.io.sock", "NSM_CONNECT_TO=\"/var/lib/networkservicemesh/nsm.io.sock\": not a URL; use unix:///absolute/path or tcp://host:port" },
        { "NSM_CONNECT_TO", "tcp://nsmgr", "NSM_CONNECT_TO=\"tcp://nsmgr\": a tcp URL needs a host and a port and nothing else, such as tcp://nsmgr:5001" },
        { "NSM_CONNECT_TO", "unix://relative/nsm.sock", $"NSM_CONNECT_TO=\"unix://relative/nsm.sock\": {UnixUrl}" },
        { "NSM_CONNECT_TO", "", "NSM_CONNECT_TO=\"\": not a URL; use unix:///absolute/path or tcp://host:port" },
        { "NSM_LISTEN_ON", "tcp://0.0.0.0:5001", $"NSM_LISTEN_ON=\"tcp://0.0.0.0:5001\": {UnixUrl}" },
        { "NSM_LISTEN_ON", "/tmp/listen.sock", $"NSM_LISTEN_ON=\"/tmp/listen.sock\": {UnixUrl}" },
        { "NSM_LISTEN_ON_TCP", "5002", $"NSM_LISTEN_ON_TCP=\"5002\": {Address}" },
        { "NSM_DASHBOARD_LISTEN_ON", "localhost:http", $"NSM_DASHBOARD_LISTEN_ON=\"localhost:http\": {Address}" },
        { "NSM_PPROF_LISTEN_ON", "", $"NSM_PPROF_LISTEN_ON=\"\": {Address}" },
        { "NSM_ADVERTISED_IP", "10.1", "NSM_ADVERTISED_IP=\"10.1\": not an IP address; use a literal address such as 10.0.0.5 or fd00::5" },
        { "NSM_ADVERTISED_IP", "node-1", "NSM_ADVERTISED_IP=\"node-1\": not an IP address; use a literal address such as 10.0.0.5 or fd00::5" },
    };

    [Theory]
    [MemberData(nameof(BadValues))]
    public void Read_BadValue_ReportsVariableValueAndWhatIsExpected(string name, string value, string expected)
    {
        var result = Env.Read((name, value));

        Assert.False(result.Succeeded);
        Assert.Null(result.Settings);
        Assert.Equal([expected], result.Problems);
    }

    [Fact]
    public void Read_ValueWithQuotesAndControlCharacters_IsQuotedReadably()
    {
        var result = Env.Read(("NSM_DIAL_TIMEOUT", "5\"s\n"));

        Assert.Equal(["NSM_DIAL_TIMEOUT=\"5\\\"s\\n\": not a duration; use Go syntax such as 50ms, 1m30s"], result.Problems);
    }

    [Fact]
    public void Read_RedisWithoutConnectionString_AsksForIt()
    {
        var result = Env.Read(("NSM_CLUSTERING", "redis"));

        Assert.Equal(
            ["NSM_REDIS_CONNECTION_STRING is not set: it is required when NSM_CLUSTERING=redis; give a StackExchange.Redis connection string such as redis:6379"],
            result.Problems);
    }

    [Fact]
    public void Read_SamePortForSiloAndGateway_IsRefused()
    {
        var result = Env.Read(("NSM_SILO_PORT", "30000"));

        Assert.Equal(["NSM_SILO_PORT and NSM_GATEWAY_PORT are both 30000: use two different ports"], result.Problems);
    }

    [Fact]
    public void Read_SeveralBadValues_ReportsThemAllInTableOrder()
    {
        var result = Env.Read(
            ("NSM_SILO_PORT", "0"),
            ("NSM_DIAL_TIMEOUT", "5 sec"),
            ("NSM_LABELS", "a"),
            ("NSM_CLUSTERING", "redis"),
            ("NSM_NAME", "ok"),
            ("NSM_LOG_LEVEL", "loud"));

        Assert.Equal(
            [
                "NSM_LABELS=\"a\": invalid map item \"a\"; use key:value pairs separated by commas, such as p2p:true,a:b (a key or value may not contain ':')",
                "NSM_DIAL_TIMEOUT=\"5 sec\": not a duration; use Go syntax such as 50ms, 1m30s",
                "NSM_LOG_LEVEL=\"loud\": not a log level; use panic, fatal, error, warn, warning, info, debug or trace",
                "NSM_SILO_PORT=\"0\": not a port number; use an integer from 1 to 65535",
                "NSM_REDIS_CONNECTION_STRING is not set: it is required when NSM_CLUSTERING=redis; give a StackExchange.Redis connection string such as redis:6379",
            ],
            result.Problems);
    }

    [Fact]
    public void FormatProblems_ListsEveryProblemUnderUpstreamsHeading()
    {
        var text = Env.Read(("NSM_SILO_PORT", "x"), ("NSM_GATEWAY_PORT", "y")).FormatProblems();

        Assert.Equal(
            string.Join(
                Environment.NewLine,
                "error processing config from env:",
                "  NSM_SILO_PORT=\"x\": not a port number; use an integer from 1 to 65535",
                "  NSM_GATEWAY_PORT=\"y\": not a port number; use an integer from 1 to 65535"),
            text);
    }
}
