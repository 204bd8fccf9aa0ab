namespace SriovForwarder.Silo.Configuration;

/// <summary>Parses booleans exactly like Go's <c>strconv.ParseBool</c>.</summary>
public static class GoBool
{
    /// <summary>Parses <paramref name="text"/>; returns false for anything Go would refuse (including the empty string).</summary>
    public static bool TryParse(string text, out bool value)
    {
        switch (text)
        {
            case "1" or "t" or "T" or "TRUE" or "true" or "True":
                value = true;
                return true;
            case "0" or "f" or "F" or "FALSE" or "false" or "False":
                value = false;
                return true;
            default:
                value = false;
                return false;
        }
    }
}
