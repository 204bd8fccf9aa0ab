namespace SriovForwarder.Silo.Hosting;

/// <summary>
/// The refusal text for a corrupt grain state file: which file, what is wrong, how to recover and what is lost then
/// (what the forwarder does when that file is missing at start).
/// </summary>
public static class StateFileRecovery
{
    /// <summary>One line naming <paramref name="path"/>, the problem and the way to recover.</summary>
    public static string Describe(string path, string problem)
    {
        // Each text is what a restart without the file does (tests/EndToEnd.Tests/Nsm/StateFileRecoveryEndToEndTests.cs).
        var consequence = Path.GetFileName(path) switch
        {
            var name when name.EndsWith(".tokenids.json", StringComparison.Ordinal) =>
                "the node makes new token ids (kubelet sees new devices; pods holding old ids get new ones when restarted), drops "
                + "the VF reservations made with the old ids and closes the connections that held them",
            var name when name.EndsWith(".allocations.json", StringComparison.Ordinal) =>
                "the node reserves every VF again for the connection whose own state file records it (token ids stay; which "
                + "tokens pods hold is read again from kubelet)",
            var name when name.EndsWith(".connection.json", StringComparison.Ordinal) =>
                "that connection is forgotten (MonitorConnections does not list it, Close and expiry do not reach it), its VF is "
                + "released, and a Request with the same connection id sets it up again; restart its pod if it used KERNEL or VFIO",
            _ => "what it held is lost",
        };
        return $"NSM_STATE_PATH: the state file {path} {problem}. To recover, move it aside (mv {path} {path}.corrupt) and start again; {consequence}";
    }
}
