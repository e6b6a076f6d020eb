// isoscope serve on Container Apps behind HTTPS ingress, scoring with the newest published
// model (it follows newer ones). Secrets are Container Apps secrets; the server reads the
// models container with the read-only key.
param location string
param environmentId string
param image string
param registryServer string
param registryUsername string
@secure()
param registryPassword string
param cosmosAccountName string
param databaseName string
param modelsContainerName string
@secure()
param apiKey string
@secure()
param datadogApiKey string
param datadogSite string

resource cosmos 'Microsoft.DocumentDB/databaseAccounts@2024-11-15' existing = {
  name: cosmosAccountName
}

var registries = empty(registryServer) ? [] : [
  {
    server: registryServer
    username: registryUsername
    passwordSecretRef: 'registry-password'
  }
]
var baseSecrets = [
  { name: 'isoscope-api-key', value: apiKey }
  { name: 'cosmos-read-key', value: cosmos.listKeys().primaryReadonlyMasterKey }
]
var baseEnv = [
  { name: 'ISOSCOPE_API_KEY', secretRef: 'isoscope-api-key' }
  { name: 'COSMOS_ENDPOINT', value: cosmos.properties.documentEndpoint }
  { name: 'COSMOS_KEY', secretRef: 'cosmos-read-key' }
  { name: 'COSMOS_DATABASE', value: databaseName }
  { name: 'COSMOS_MODELS_CONTAINER', value: modelsContainerName }
]
var registrySecrets = empty(registryServer) ? [] : [{ name: 'registry-password', value: registryPassword }]
var datadogSecrets = empty(datadogApiKey) ? [] : [{ name: 'dd-api-key', value: datadogApiKey }]
var datadogEnv = empty(datadogApiKey) ? [] : [
  { name: 'DD_API_KEY', secretRef: 'dd-api-key' }
  { name: 'DD_SITE', value: datadogSite }
]

resource app 'Microsoft.App/containerApps@2024-03-01' = {
  name: 'isoscope-serve'
  location: location
  properties: {
    managedEnvironmentId: environmentId
    configuration: {
      activeRevisionsMode: 'Single'
      ingress: {
        external: true
        targetPort: 8000
        transport: 'auto'
        allowInsecure: false
      }
      registries: registries
      secrets: concat(baseSecrets, registrySecrets, datadogSecrets)
    }
    template: {
      containers: [
        {
          name: 'serve'
          image: image
          args: [
            'serve'
            '--model-from'
            'cosmos'
            '--host'
            '0.0.0.0'
            '--port'
            '8000'
          ]
          env: concat(baseEnv, datadogEnv)
          resources: {
            cpu: json('1.0')
            memory: '2Gi'
          }
          probes: [
            {
              type: 'Liveness'
              httpGet: {
                path: '/healthz'
                port: 8000
              }
              initialDelaySeconds: 5
              periodSeconds: 10
            }
            {
              type: 'Readiness'
              httpGet: {
                path: '/healthz'
                port: 8000
              }
              periodSeconds: 5
            }
          ]
        }
      ]
      // One replica: the server keeps each unit's window and alarm state in memory, so every reading
      // of a unit must reach the same replica for its results to equal consume's and isoscope score's.
      scale: {
        minReplicas: 1
        maxReplicas: 1
      }
    }
  }
}

output fqdn string = app.properties.configuration.ingress.fqdn
