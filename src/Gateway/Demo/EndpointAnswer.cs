using SriovForwarder.Api.Nsm.Connection;
using SriovForwarder.Api.Nsm.Networkservice;

namespace SriovForwarder.Gateway.Demo;

/// <summary>
/// How a network service endpoint that accepts a Request answers it: the connection as asked, the client's first
/// mechanism preference (the one the forwarder offered), and the endpoint's name. Shared by the demo's stand-in endpoint
/// and the tests' one so both answer as one NSE would.
/// </summary>
public static class EndpointAnswer
{
    /// <summary>The accepting answer of <paramref name="endpointName"/> to <paramref name="request"/>.</summary>
    public static Connection Accept(NetworkServiceRequest request, string endpointName)
    {
        ArgumentNullException.ThrowIfNull(request);
        var answer = request.Connection.Clone();
        answer.Mechanism = request.MechanismPreferences.FirstOrDefault()?.Clone() ?? request.Connection.Mechanism;
        answer.NetworkServiceEndpointName = endpointName;
        return answer;
    }
}
