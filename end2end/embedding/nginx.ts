// The nginx configuration of the embedding journey; EMBEDDING.md shows the same proxy.
export function nginxConfig(p: {
  dir: string;
  site: string;
  portalPort: number;
  unlistedPort: number;
  proxyPort: number;
  appPort: number;
}): string {
  return `# Written by end2end/embedding/global-setup.ts
worker_processes 1;
pid ${p.dir}/nginx.pid;
error_log ${p.dir}/error.log warn;
events { worker_connections 256; }
http {
  access_log ${p.dir}/access.log;
  client_body_temp_path ${p.dir}/client_body;
  proxy_temp_path ${p.dir}/proxy;
  fastcgi_temp_path ${p.dir}/fastcgi;
  uwsgi_temp_path ${p.dir}/uwsgi;
  scgi_temp_path ${p.dir}/scgi;
  types { text/html html; application/javascript js; text/css css; }

  # The portal (listed in APPWARD_FRAME_ANCESTORS) and another site (not listed).
  server {
    listen 127.0.0.1:${p.portalPort};
    root ${p.site};
  }
  server {
    listen 127.0.0.1:${p.unlistedPort};
    root ${p.site};
  }

  # Appward under /console, on another site (localhost).
  server {
    listen 127.0.0.1:${p.proxyPort};
    server_name localhost;

    location /console/ {
      proxy_pass http://127.0.0.1:${p.appPort};
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
    }
    # RFC 8414's own location of the metadata of an issuer with a path.
    location = /.well-known/oauth-authorization-server/console {
      proxy_pass http://127.0.0.1:${p.appPort}/console/.well-known/oauth-authorization-server;
      proxy_set_header Host $http_host;
    }
  }
}
`;
}
