{{- define "colonnade.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 40 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 40 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "colonnade.selector" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "colonnade.labels" -}}
{{ include "colonnade.selector" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{/* the image, pinned to a release tag (and a digest when one is given) */}}
{{- define "colonnade.image" -}}
{{- if or (not .Values.image.tag) (eq (toString .Values.image.tag) "latest") -}}
{{- fail "image.tag: pin a release tag (not empty, not latest)" -}}
{{- end -}}
{{- if .Values.image.digest -}}
{{ .Values.image.repository }}:{{ .Values.image.tag }}@{{ .Values.image.digest }}
{{- else -}}
{{ .Values.image.repository }}:{{ .Values.image.tag }}
{{- end -}}
{{- end -}}

{{- define "colonnade.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: 10001
runAsGroup: 10001
fsGroup: 10001
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{- define "colonnade.containerSecurityContext" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
runAsNonRoot: true
runAsUser: 10001
capabilities:
  drop: [ALL]
{{- end -}}

{{/* pin a pod to a node pool by its label */}}
{{- define "colonnade.poolAffinity" -}}
nodeAffinity:
  requiredDuringSchedulingIgnoredDuringExecution:
    nodeSelectorTerms:
      - matchExpressions:
          - key: {{ .key }}
            operator: In
            values: [{{ .value | quote }}]
{{- end -}}

{{/* writable paths on emptyDir volumes: the root filesystem stays read-only */}}
{{- define "colonnade.scratchVolumes" -}}
- name: data
  emptyDir: {sizeLimit: 2Gi}
- name: tmp
  emptyDir: {sizeLimit: 1Gi}
- name: secrets-store
  csi:
    driver: secrets-store.csi.k8s.io
    readOnly: true
    volumeAttributes:
      secretProviderClass: {{ include "colonnade.fullname" . }}
{{- end -}}

{{- define "colonnade.scratchMounts" -}}
- name: data
  mountPath: /var/lib/colonnade
- name: tmp
  mountPath: /tmp
- name: secrets-store
  mountPath: /mnt/secrets-store
  readOnly: true
{{- end -}}

{{/* settings as COLONNADE_* variables; secret ones by reference to the synced Secret only */}}
{{- define "colonnade.env" -}}
- name: COLONNADE_STORAGE__DATABASE_URL
  valueFrom:
    secretKeyRef: {name: {{ .Values.secrets.secretName }}, key: database-url}
- name: REDIS_URL
  valueFrom:
    secretKeyRef: {name: {{ .Values.secrets.secretName }}, key: redis-url}
- name: COLONNADE_SECURITY__LIMITS__STORAGE_URL
  value: "$(REDIS_URL)"
# one audit chain in PostgreSQL for every replica, sealed with one key from Key Vault
- name: COLONNADE_SECURITY__AUDIT__KEY_FILE
  value: /mnt/secrets-store/audit-key
{{- if eq .Values.workers.queue "redis" }}
# uploads become jobs on the shared queue that the ingest workers apply
- name: COLONNADE_INGESTION__QUEUE_URL
  value: "$(REDIS_URL)"
{{- end }}
{{- end -}}

{{- define "colonnade.workloadIdentityLabels" -}}
azure.workload.identity/use: "true"
colonnade.io/data-access: "true"
{{- end -}}

{{/* the Dask pods' writable paths: home and scratch, no secrets (tasks carry their settings) */}}
{{- define "colonnade.daskScratchVolumes" -}}
- name: data
  emptyDir: {sizeLimit: 1Gi}
- name: tmp
  emptyDir: {sizeLimit: 20Gi}
{{- end -}}

{{- define "colonnade.daskScratchMounts" -}}
- name: data
  mountPath: /var/lib/colonnade
- name: tmp
  mountPath: /tmp
{{- end -}}

{{/* the pods that send batch work to the Dask scheduler (the NetworkPolicies let only them) */}}
{{- define "colonnade.daskClientLabels" -}}
{{- if .Values.dask.enabled -}}
colonnade.io/dask-client: "true"
{{- end -}}
{{- end -}}

{{/* mutual TLS on the Dask cluster (dask.tls.secretName): one kubernetes.io/tls Secret (tls.crt,
tls.key and ca.crt, as cert-manager writes it; the certificate for server and client auth)
that the scheduler, its workers and the batch clients mount read-only */}}
{{- define "colonnade.daskTLS" -}}
{{- if and .Values.dask.enabled .Values.dask.tls.secretName -}}/etc/colonnade/dask-tls{{- end -}}
{{- end -}}

{{- define "colonnade.daskScheme" -}}
{{- if include "colonnade.daskTLS" . -}}tls{{- else -}}tcp{{- end -}}
{{- end -}}

{{- define "colonnade.daskTLSVolumes" -}}
{{- if include "colonnade.daskTLS" . -}}
- name: dask-tls
  secret:
    secretName: {{ .Values.dask.tls.secretName }}
    defaultMode: 0440
{{- end -}}
{{- end -}}

{{- define "colonnade.daskTLSMounts" -}}
{{- with include "colonnade.daskTLS" . -}}
- name: dask-tls
  mountPath: {{ . }}
  readOnly: true
{{- end -}}
{{- end -}}

{{/* the scheduler's and workers' TLS flags: listen on tls://, present the certificate, and
accept only peers whose certificate the CA signed */}}
{{- define "colonnade.daskTLSArgs" -}}
{{- with include "colonnade.daskTLS" . -}}
- --protocol=tls
- --tls-ca-file={{ . }}/ca.crt
- --tls-cert={{ . }}/tls.crt
- --tls-key={{ . }}/tls.key
{{- end -}}
{{- end -}}
