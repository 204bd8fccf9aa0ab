using System.Text;

namespace SriovForwarder.Silo.Configuration;

/// <summary>Renders the <c>--help</c> text and the effective configuration from <see cref="ForwarderSettingsVariables.All"/>.</summary>
public static class ForwarderSettingsHelp
{
    /// <summary>The usage text: every variable with its type, default and meaning.</summary>
    public static string Render()
    {
        var builder = new StringBuilder()
            .AppendLine("Usage: sriov-forwarder [--help] [--simulate[=SPEC]] [--simulate-dir DIR]")
            .AppendLine()
            .AppendLine("The Network Service Mesh SR-IOV forwarder. It is configured by these environment variables:")
            .AppendLine();
        var rows = ForwarderSettingsVariables.All.Select(v => new[] { v.Name, v.Type, v.Default.Length == 0 ? "(none)" : v.Default, v.Meaning });
        AppendTable(builder, ["VARIABLE", "TYPE", "DEFAULT", "MEANING"], rows);
        return builder
            .AppendLine()
            .AppendLine("Durations use Go syntax (50ms, 1m30s, 24h); maps are key:value,key2:value2; lists are comma-separated.")
            .AppendLine("A variable set to an empty value overrides its default.")
            .ToString();
    }

    /// <summary>The effective value of every variable in <paramref name="settings"/> (secrets masked), for the start-up log.</summary>
    public static string RenderValues(ForwarderSettings settings)
    {
        var builder = new StringBuilder();
        AppendTable(builder, ["VARIABLE", "VALUE"], ForwarderSettingsVariables.All.Select(v => new[] { v.Name, v.FormatValue(settings) }));
        return builder.ToString();
    }

    private static void AppendTable(StringBuilder builder, string[] header, IEnumerable<string[]> rows)
    {
        var all = rows.Prepend(header).ToList();
        var widths = Enumerable.Range(0, header.Length).Select(column => all.Max(row => row[column].Length)).ToArray();
        foreach (var row in all)
        {
            var cells = row.Select((cell, column) => column == row.Length - 1 ? cell : cell.PadRight(widths[column] + 2));
            builder.AppendLine(string.Concat(cells).TrimEnd());
        }
    }
}
