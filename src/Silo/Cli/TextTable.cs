namespace SriovForwarder.Silo.Cli;

/// <summary>A plain-text table: columns padded to their widest cell, two spaces apart, for a terminal.</summary>
public sealed class TextTable(params string[] headers)
{
    private readonly List<string[]> _rows = [];

    /// <summary>Adds a row; missing cells are empty.</summary>
    public void Add(params string[] cells) => _rows.Add(cells);

    /// <summary>The table as lines of text.</summary>
    public override string ToString()
    {
        var widths = headers.Select((h, i) => _rows.Select(r => i < r.Length ? r[i].Length : 0).Append(h.Length).Max()).ToArray();
        var lines = new[] { headers }.Concat(_rows)
            .Select(cells => string.Join("  ", widths.Select((w, i) => (i < cells.Length ? cells[i] : string.Empty).PadRight(w))).TrimEnd());
        return string.Join(Environment.NewLine, lines);
    }
}
